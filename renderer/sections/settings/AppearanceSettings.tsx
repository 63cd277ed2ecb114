import { useState } from 'react'
import type { MailClientId, SettingsPatch, Theme } from '../../../shared/contract/index.js'
import { ChoiceField } from '../../components/ChoiceField.js'
import { MailClientSelect } from '../../components/MailClientSelect.js'
import { IDLE, type SaveState, SaveStatus } from '../../components/SaveStatus.js'
import { selectMailClient, selectTheme, useSettingsStore } from '../../stores/settings.js'

const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'Same as the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
]

/** Theme and mail client: each choice is saved as soon as it is made. */
export function AppearanceSettings() {
  const theme = useSettingsStore(selectTheme)
  const mailClient = useSettingsStore(selectMailClient)
  const update = useSettingsStore((s) => s.update)
  const [status, setStatus] = useState<SaveState>(IDLE)
  // The choice being saved, shown at once; the engine's answer then replaces it (or, on a
  // failure, the control goes back to the saved value).
  const [pending, setPending] = useState<SettingsPatch>({})

  async function save(patch: { theme: Theme } | { mailClient: MailClientId }) {
    setPending(patch)
    setStatus({ kind: 'saving' })
    const result = await update(patch)
    setPending({})
    setStatus(result.ok ? { kind: 'saved' } : { kind: 'error', message: result.message })
  }

  const shownTheme = pending.theme ?? theme
  const shownClient = pending.mailClient ?? mailClient

  return (
    <section className="card" aria-labelledby="appearance-title">
      <h2 id="appearance-title">Appearance and words</h2>
      <ChoiceField
        legend="Theme"
        name="theme"
        options={THEMES}
        value={shownTheme}
        onChange={(theme) => void save({ theme })}
      />
      <MailClientSelect
        label="Mail client"
        hint="Explanations use your mail client’s words."
        value={shownClient}
        onChange={(mailClient) => void save({ mailClient })}
      />
      <SaveStatus state={status} />
    </section>
  )
}
