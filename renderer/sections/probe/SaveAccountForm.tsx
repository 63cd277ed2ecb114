import { type FormEvent, useState } from 'react'
import type { EndpointReport, MailClientId, ProbeReport } from '../../../shared/contract/index.js'
import { PasswordField } from '../../components/PasswordField.js'
import { IDLE, SaveActions, type SaveState } from '../../components/SaveStatus.js'
import { TextField } from '../../components/TextField.js'
import { useAccountsStore } from '../../stores/accounts.js'
import { selectKeychain, useAppStore } from '../../stores/app.js'

interface Props {
  report: ProbeReport
  client: MailClientId
}

interface PinChoicesProps {
  endpoints: EndpointReport[]
  pinned: ReadonlySet<string>
  onToggle(key: string, on: boolean): void
}

/** One checkbox per self-signed certificate, to trust exactly that one after comparing it. */
function PinChoices({ endpoints, pinned, onToggle }: PinChoicesProps) {
  return (
    <fieldset className="field">
      <legend className="field-label">Self-signed certificates</legend>
      <p className="field-hint">
        No authority vouches for these. Trust one only after comparing its fingerprint with the one your
        provider gives you; “Test login” then accepts exactly that certificate and no other.
      </p>
      {endpoints.map((e) => (
        <label key={e.key} className="choice pin-choice">
          <input
            type="checkbox"
            checked={pinned.has(e.key)}
            onChange={(event) => onToggle(e.key, event.target.checked)}
          />
          <span>
            Trust the certificate of {e.host}:{e.port}, SHA-256{' '}
            <code>{e.tls?.certificate?.fingerprintSha256}</code>
          </span>
        </label>
      ))}
    </fieldset>
  )
}

/**
 * Saves the probed account: its servers and the client it is set up in go to the settings; the
 * password, if given, goes straight to the engine and on to the OS keychain, and leaves the form.
 */
export function SaveAccountForm({ report, client }: Props) {
  const save = useAccountsStore((s) => s.save)
  const keychainMissing = useAppStore(selectKeychain)?.available === false
  const [label, setLabel] = useState(report.target)
  const [username, setUsername] = useState(report.target.includes('@') ? report.target : '')
  const [password, setPassword] = useState('')
  const [status, setStatus] = useState<SaveState>(IDLE)
  const usable = report.endpoints.filter((e) => e.security !== 'unreachable')
  // Only a self-signed certificate for the right name may be pinned; a wrong name or an expired
  // certificate is a problem to fix, not to accept.
  const pinnable = usable.filter((e) => {
    const cert = e.tls?.certificate
    return cert && !cert.trusted && cert.selfSigned && cert.hostnameMatch && !cert.expired
  })
  const [pinned, setPinned] = useState<ReadonlySet<string>>(new Set())
  const togglePin = (key: string, on: boolean) =>
    setPinned((old) => {
      const next = new Set(old)
      if (on) next.add(key)
      else next.delete(key)
      return next
    })

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (status.kind === 'saving') return
    const name = label.trim()
    if (name === '') {
      setStatus({ kind: 'error', message: 'Give the account a name you will recognise.' })
      return
    }
    setStatus({ kind: 'saving' })
    const login = username.trim()
    const result = await save({
      report,
      label: name,
      client,
      username: login === '' ? null : login,
      password: password === '' ? null : password,
      pinned,
    })
    // The password leaves the page either way: it is in the keychain now, or it must be typed again.
    setPassword('')
    setStatus(
      result.ok
        ? {
            kind: 'saved',
            message: `Saved the account ${name}${password ? ' and its password in the keychain' : ''}.`,
          }
        : { kind: 'error', message: result.message },
    )
  }

  if (usable.length === 0) return null
  return (
    <form
      className="card"
      noValidate
      aria-labelledby="save-account-title"
      onSubmit={(event) => void submit(event)}
    >
      <h2 id="save-account-title">Save this account</h2>
      <p className="section-intro">
        Keep its {usable.length === 1 ? 'server' : `${usable.length} servers`} to re-check them in one click
        later and to be told when a certificate changes or is about to expire.
      </p>
      <TextField label="Account name" autoComplete="off" maxLength={200} value={label} onChange={setLabel} />
      <TextField
        label="Login name"
        hint="Usually your email address; used only by “Test login”."
        verbatim
        maxLength={320}
        value={username}
        onChange={setUsername}
      />
      <PasswordField
        label="Password (optional)"
        hint={
          keychainMissing
            ? 'The keychain is not available, so no password can be kept; the account is saved without one.'
            : 'Only for “Test login”. It is kept in your system’s keychain, never in a file, and sent only over TLS.'
        }
        disabled={keychainMissing}
        value={password}
        onChange={setPassword}
      />
      {pinnable.length > 0 && <PinChoices endpoints={pinnable} pinned={pinned} onToggle={togglePin} />}
      <SaveActions label="Save account" state={status} />
    </form>
  )
}
