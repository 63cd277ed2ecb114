import { selectRecovered, useSettingsStore } from '../../stores/settings.js'

/** Shown when the engine found an unreadable settings file and set it aside. */
export function RecoveredBanner() {
  const recovered = useSettingsStore(selectRecovered)
  if (!recovered) return null
  return (
    <div className="banner banner-warning" role="status">
      <p className="banner-title">Your settings were reset</p>
      <p>
        Your settings file could not be read ({recovered.reason}); it was kept at{' '}
        <code className="path">{recovered.backupPath}</code> and defaults are in use.
      </p>
    </div>
  )
}
