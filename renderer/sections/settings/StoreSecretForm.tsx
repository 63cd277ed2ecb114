import { type FormEvent, useState } from 'react'
import { SECRET_ACCOUNT_MAX, SECRET_VALUE_MAX } from '../../../shared/contract/index.js'
import { Field } from '../../components/Field.js'
import { IDLE, type SaveState, SaveStatus } from '../../components/SaveStatus.js'
import { useSecretsStore } from '../../stores/secrets.js'

/** Stores one password in the keychain. The password is cleared from the form once it is stored. */
export function StoreSecretForm() {
  const store = useSecretsStore((s) => s.store)
  const [account, setAccount] = useState('')
  const [secret, setSecret] = useState('')
  const [status, setStatus] = useState<SaveState>(IDLE)

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    // A second submit while saving is ignored rather than the button disabled, which would drop focus.
    if (status.kind === 'saving') return
    const name = account.trim()
    if (name === '' || secret === '') {
      setStatus({ kind: 'error', message: 'Enter both an account name and a password.' })
      return
    }
    setStatus({ kind: 'saving' })
    const result = await store(name, secret)
    if (result.ok) {
      setAccount('')
      setSecret('')
      setStatus({ kind: 'saved', message: `Stored the password for ${name} in the keychain.` })
    } else {
      // The password is cleared on failure too: it should not linger in the page.
      setSecret('')
      setStatus({ kind: 'error', message: result.message })
    }
  }

  return (
    <form className="subsection" noValidate onSubmit={(event) => void submit(event)}>
      <h3>Store a password</h3>
      <Field label="Account name" hint="A name you will recognise, such as imap:alice@example.org.">
        {({ id, describedBy }) => (
          <input
            id={id}
            type="text"
            autoComplete="off"
            spellCheck={false}
            maxLength={SECRET_ACCOUNT_MAX}
            aria-describedby={describedBy}
            value={account}
            onChange={(event) => setAccount(event.target.value)}
          />
        )}
      </Field>
      <Field label="Password">
        {({ id, describedBy }) => (
          <input
            id={id}
            type="password"
            autoComplete="new-password"
            maxLength={SECRET_VALUE_MAX}
            aria-describedby={describedBy}
            value={secret}
            onChange={(event) => setSecret(event.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-primary">
          Store in keychain
        </button>
        <SaveStatus state={status} />
      </div>
    </form>
  )
}
