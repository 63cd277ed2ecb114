import { useState } from 'react'
import {
  type MailClientId,
  MailClientId as MailClientIds,
  type SettingsPatch,
  type Theme,
} from '../../../shared/contract/index.js'
import { MAIL_CLIENT_MENU } from '../../../shared/knowledge/mail-clients.js'
import { ChoiceField } from '../../components/ChoiceField.js'
import { Field } from '../../components/Field.js'
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
      <Field label="Mail client" hint="Explanations use your mail client’s words.">
        {({ id, describedBy }) => (
          <select
            id={id}
            aria-describedby={describedBy}
            value={shownClient}
            onChange={(event) => void save({ mailClient: MailClientIds.parse(event.target.value) })}
          >
            {MAIL_CLIENT_MENU.map(({ id: client, name }) => (
              <option key={client} value={client}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <SaveStatus state={status} />
    </section>
  )
}
