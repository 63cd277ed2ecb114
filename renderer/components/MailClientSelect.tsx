import { MailClientId } from '../../shared/contract/index.js'
import { MAIL_CLIENT_MENU } from '../../shared/knowledge/mail-clients.js'
import { Field } from './Field.js'

interface Props {
  label: string
  hint?: string
  value: MailClientId
  onChange(client: MailClientId): void
}

/** A labelled menu of the mail clients whose words Mailwarden speaks, in the menu's order. */
export function MailClientSelect({ label, hint, value, onChange }: Props) {
  return (
    <Field label={label} hint={hint}>
      {({ id, describedBy }) => (
        <select
          id={id}
          aria-describedby={describedBy}
          value={value}
          onChange={(event) => onChange(MailClientId.parse(event.target.value))}
        >
          {MAIL_CLIENT_MENU.map(({ id: client, name }) => (
            <option key={client} value={client}>
              {name}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}
