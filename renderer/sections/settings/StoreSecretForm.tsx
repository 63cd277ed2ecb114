import { type FormEvent, useState } from 'react'
import { SECRET_ACCOUNT_MAX } from '../../../shared/contract/index.js'
import { PasswordField } from '../../components/PasswordField.js'
import { IDLE, SaveActions, type SaveState } from '../../components/SaveStatus.js'
import { TextField } from '../../components/TextField.js'
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
      <TextField
        label="Account name"
        hint="A name you will recognise, such as imap:alice@example.org."
        verbatim
        maxLength={SECRET_ACCOUNT_MAX}
        value={account}
        onChange={setAccount}
      />
      <PasswordField label="Password" value={secret} onChange={setSecret} />
      <SaveActions label="Store in keychain" state={status} />
    </form>
  )
}
