import { Loading } from '../components/ConnectionBanner.js'
import { Section } from '../components/Section.js'
import { selectLoadError, selectSettingsPath, useSettingsStore } from '../stores/settings.js'
import { AppearanceSettings } from './settings/AppearanceSettings.js'
import { DesktopSettings } from './settings/DesktopSettings.js'
import { NetworkSettings } from './settings/NetworkSettings.js'
import { PasswordsSettings } from './settings/PasswordsSettings.js'
import { RecoveredBanner } from './settings/RecoveredBanner.js'

export function SettingsSection() {
  const settings = useSettingsStore((s) => s.state?.settings ?? null)
  const path = useSettingsStore(selectSettingsPath)
  const loadError = useSettingsStore(selectLoadError)
  const reload = useSettingsStore((s) => s.load)

  return (
    <Section title="Settings">
      {loadError ? (
        <div className="banner banner-error" role="alert">
          <p className="banner-title">Your settings could not be read</p>
          <p>{loadError}</p>
          <button type="button" className="button" onClick={() => void reload()}>
            Try again
          </button>
        </div>
      ) : !settings ? (
        <Loading what="your settings" />
      ) : (
        <>
          <RecoveredBanner />
          <AppearanceSettings />
          <NetworkSettings settings={settings} />
          <DesktopSettings />
        </>
      )}
      <PasswordsSettings />
      {path && (
        <p className="muted small">
          Settings are kept in <code className="path">{path}</code>.
        </p>
      )}
    </Section>
  )
}
