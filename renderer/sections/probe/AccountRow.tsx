import { type FormEvent, type RefObject, useEffect, useRef, useState } from 'react'
import type { SavedAccount } from '../../../shared/contract/index.js'
import { SECRET_VALUE_MAX } from '../../../shared/contract/index.js'
import { PROTOCOL_WORDS } from '../../../shared/contract/mail.js'
import type { LoginResult, RecheckAccount } from '../../../shared/contract/probe-accounts.js'
import { plural } from '../../components/plural.js'
import { useAccountsStore } from '../../stores/accounts.js'
import { formatDate } from './CertificateDetails.js'
import { Severity, Verdict } from './Verdict.js'
import { SECURITY_NAMES } from './words.js'

const LOGIN_WORDS: Record<LoginResult['status'], string> = {
  ok: 'Logged in',
  failed: 'Login refused',
  refused: 'Not tried',
  error: 'Could not be tested',
}

function LoginResults({ results }: { results: LoginResult[] }) {
  return (
    <ul className="account-result" aria-label="Test login results">
      {results.map((r) => {
        // The engine's message of a login that worked already says it all ("Logged in over TLSv1.3
        // with PLAIN."); the others get the status word first.
        return (
          <li key={`${r.host}:${r.port}`}>
            <Verdict verdict={r.status === 'ok' ? 'good' : r.status === 'failed' ? 'bad' : 'warn'} />{' '}
            {PROTOCOL_WORDS[r.protocol]} {r.host}:{r.port}:{' '}
            {r.status === 'ok' ? r.message : `${LOGIN_WORDS[r.status]}. ${r.message}`}
          </li>
        )
      })}
    </ul>
  )
}

function RecheckResults({ recheck }: { recheck: RecheckAccount }) {
  return (
    <ul className="account-result" aria-label="Re-check results">
      {recheck.servers.map((s) => (
        <li key={`${s.host}:${s.port}`}>
          <Verdict verdict={s.verdict} /> {PROTOCOL_WORDS[s.protocol]} {s.host}:{s.port}:{' '}
          {SECURITY_NAMES[s.security]}
          {s.daysLeft !== null && `, certificate valid for ${plural(s.daysLeft, 'more day')}`}.
          {s.callouts.length > 0 && (
            <ul>
              {s.callouts.map((c) => (
                <li key={c.kind} className="account-callout">
                  <Severity severity="warn" /> {c.message}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  )
}

/** The account's name, and its target, servers, password and last check on one line. */
function AccountSummary({ account }: { account: SavedAccount }) {
  return (
    <div>
      <p className="account-name">{account.label}</p>
      <p className="muted small">
        {account.target} ·{' '}
        {account.servers.map((s) => `${PROTOCOL_WORDS[s.protocol]} ${s.host}:${s.port}`).join(', ')}
        {account.secretAccount !== null ? ' · password in the keychain' : ''}
        {account.lastCheckedAt ? ` · last checked ${formatDate(account.lastCheckedAt)}` : ''}
      </p>
    </div>
  )
}

interface PasswordFormProps {
  account: SavedAccount
  inputRef: RefObject<HTMLInputElement | null>
  password: string
  onChange(password: string): void
  onSubmit(event: FormEvent<HTMLFormElement>): void
}

/** A password typed for one test login, when the keychain has none for the account. */
function PasswordForm({ account, inputRef, password, onChange, onSubmit }: PasswordFormProps) {
  return (
    <form className="account-password" noValidate onSubmit={onSubmit}>
      <label className="field-label" htmlFor={`${account.id}-password`}>
        Password for {account.label} (used once, not stored)
      </label>
      <span className="account-actions">
        <input
          id={`${account.id}-password`}
          ref={inputRef}
          type="password"
          autoComplete="current-password"
          maxLength={SECRET_VALUE_MAX}
          value={password}
          onChange={(event) => onChange(event.target.value)}
        />
        <button type="submit" className="button button-primary">
          Log in over TLS
        </button>
      </span>
    </form>
  )
}

interface Props {
  account: SavedAccount
  onDeleted(): void
}

/** One saved account: its servers, Re-check, Test login (over TLS only) and Delete (asks first). */
export function AccountRow({ account, onDeleted }: Props) {
  const { remove, testLogin, recheck } = useAccountsStore.getState()
  const login = useAccountsStore((s) => s.logins[account.id])
  const checked = useAccountsStore((s) => s.rechecks[account.id])
  const [busy, setBusy] = useState<null | 'login' | 'recheck' | 'delete'>(null)
  const [confirming, setConfirming] = useState(false)
  const [askPassword, setAskPassword] = useState(false)
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const cancelButton = useRef<HTMLButtonElement>(null)
  const passwordInput = useRef<HTMLInputElement>(null)
  const hasPassword = account.secretAccount !== null

  useEffect(() => {
    if (confirming) cancelButton.current?.focus()
  }, [confirming])
  useEffect(() => {
    if (askPassword) passwordInput.current?.focus()
  }, [askPassword])

  // Buttons are not disabled while busy: disabling the focused button would drop focus to the page.
  async function run(kind: 'login' | 'recheck', action: () => Promise<{ ok: boolean; message?: string }>) {
    if (busy) return
    setBusy(kind)
    setError(null)
    const result = await action()
    setBusy(null)
    if (!result.ok) setError(result.message ?? 'Something went wrong.')
  }

  async function submitPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (password === '') return
    const typed = password
    setPassword('')
    setAskPassword(false)
    await run('login', () => testLogin(account.id, typed))
  }

  async function confirmDelete() {
    if (busy) return
    setBusy('delete')
    const result = await remove(account.id)
    setBusy(null)
    if (result.ok) return onDeleted()
    setConfirming(false)
    setError(result.message)
  }

  const name = account.label
  return (
    <li className="item-row">
      <div className="item-main">
        <AccountSummary account={account} />
        {confirming ? (
          <span className="account-actions">
            <span className="confirm-text">Delete this account{hasPassword ? ' and its password' : ''}?</span>
            <button type="button" className="button button-danger" onClick={() => void confirmDelete()}>
              Delete<span className="visually-hidden"> {name}</span>
            </button>
            <button type="button" className="button" ref={cancelButton} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <span className="account-actions">
            <button
              type="button"
              className="button"
              onClick={() => void run('recheck', () => recheck([account.id]))}
            >
              Re-check<span className="visually-hidden"> {name}</span>
            </button>
            <button
              type="button"
              className="button"
              aria-expanded={hasPassword ? undefined : askPassword}
              onClick={() =>
                hasPassword
                  ? void run('login', () => testLogin(account.id, null))
                  : setAskPassword((open) => !open)
              }
            >
              Test login<span className="visually-hidden"> for {name}</span>
            </button>
            <button type="button" className="button" onClick={() => setConfirming(true)}>
              Delete<span className="visually-hidden"> {name}</span>
            </button>
          </span>
        )}
      </div>
      {askPassword && (
        <PasswordForm
          account={account}
          inputRef={passwordInput}
          password={password}
          onChange={setPassword}
          onSubmit={(event) => void submitPassword(event)}
        />
      )}
      <p role="status" className="muted small account-busy">
        {busy === 'login' && 'Logging in over TLS…'}
        {busy === 'recheck' && 'Checking the servers again…'}
      </p>
      {error && (
        <p className="status-error" role="alert">
          {error}
        </p>
      )}
      {checked && <RecheckResults recheck={checked} />}
      {login && <LoginResults results={login} />}
    </li>
  )
}
