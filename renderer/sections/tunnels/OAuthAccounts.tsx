import { useState } from 'react'
import type { OAuthAccountState } from '../../../shared/contract/index.js'
import { ConfirmDelete } from '../../components/ConfirmDelete.js'
import { NO_PAGE, selectOAuthAccounts, useOAuthStore } from '../../stores/oauth.js'
import { OAuthAccountForm } from './OAuthAccountForm.js'
import { accountStatusWords, clockTime } from './oauth-words.js'
import { providerPageOpener } from './provider-page.js'
import { SignInStep } from './SignInStep.js'

type Editing = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; id: string }

/** The OAuth 2.0 accounts tunnels log in with: add one, sign it in or out, see its token's state. */
export function OAuthAccounts() {
  const accounts = useOAuthStore(selectOAuthAccounts)
  const loaded = useOAuthStore((s) => s.loaded)
  const loadError = useOAuthStore((s) => s.loadError)
  const [editing, setEditing] = useState<Editing>({ kind: 'none' })
  const editingAccount =
    editing.kind === 'edit' ? accounts.find((a) => a.account.id === editing.id) : undefined

  return (
    <section className="oauth-accounts" aria-labelledby="oauth-accounts-title">
      <h2 id="oauth-accounts-title">OAuth 2.0 accounts</h2>
      <p className="muted">
        For servers that no longer take a password (Microsoft 365, Gmail): Mailwarden signs in once in your
        browser, keeps the refresh token in the keychain, and a tunnel logs in with it for your old client.
      </p>
      {loadError && (
        <div className="banner banner-error" role="alert">
          <p className="banner-title">The OAuth accounts could not be read</p>
          <p>{loadError}</p>
        </div>
      )}
      {accounts.length > 0 && (
        <ul className="tunnel-list" aria-label="OAuth accounts">
          {accounts.map((state) => (
            <AccountCard
              key={state.account.id}
              state={state}
              onEdit={() => setEditing({ kind: 'edit', id: state.account.id })}
            />
          ))}
        </ul>
      )}
      {loaded && accounts.length === 0 && !loadError && editing.kind === 'none' && (
        <p className="muted">No OAuth account yet.</p>
      )}
      {editing.kind === 'none' && (
        <button type="button" className="button" onClick={() => setEditing({ kind: 'new' })}>
          Add an OAuth account
        </button>
      )}
      {(editing.kind === 'new' || editingAccount) && (
        <OAuthAccountForm editing={editingAccount ?? null} onDone={() => setEditing({ kind: 'none' })} />
      )}
    </section>
  )
}

/** One account: its state in words, the token's times, and Sign in / Sign out / Change / Delete. */
export function AccountCard({ state, onEdit }: { state: OAuthAccountState; onEdit(): void }) {
  const { account } = state
  const provider = useOAuthStore((s) => s.providers.find((p) => p.id === account.provider))
  const signIn = useOAuthStore((s) => (s.signIn?.accountId === account.id ? s.signIn : null))
  const logout = useOAuthStore((s) => s.logout)
  const remove = useOAuthStore((s) => s.remove)
  const [busy, setBusy] = useState(false)
  const [note, setNote] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const shown = accountStatusWords(state)
  const titleId = `oauth-${account.id}`

  async function run(action: () => Promise<{ ok: true; message?: string } | { ok: false; message: string }>) {
    if (busy) return
    setBusy(true)
    setError(null)
    setNote(null)
    const result = await action()
    setBusy(false)
    if (result.ok) setNote(result.message ?? null)
    else setError(result.message)
  }

  return (
    <li className="card tunnel-card" aria-labelledby={titleId}>
      <div className="tunnel-head">
        <h3 id={titleId}>{account.address}</h3>
        <span className={`badge tunnel-status tunnel-${shown.tone}`}>
          <span aria-hidden="true">{shown.mark}</span> {shown.label}
        </span>
      </div>
      <p className="small tunnel-route">
        {provider?.name ?? account.provider}, client id <code className="path">{account.clientId}</code>
        {account.tenant ? `, tenant ${account.tenant}` : ''}
        {account.issuer ? (
          <>
            , issuer <code className="path">{account.issuer}</code>
          </>
        ) : null}
      </p>
      <TokenTimes state={state} />
      {state.lastError && state.state !== 'signed-in' && (
        <p className="tunnel-error">
          <strong>{state.state === 'needs-authorization' ? 'Sign in again:' : 'Last refresh failed:'}</strong>{' '}
          {state.lastError.message}
        </p>
      )}
      {signIn && <SignInStep signIn={signIn} address={account.address} />}
      <div className="form-actions">
        <SignInButtons state={state} busy={signIn?.status === 'running'} />
        {state.signedIn && (
          <button type="button" className="button" onClick={() => void run(() => logout(account.id))}>
            Sign out
          </button>
        )}
        <button type="button" className="button" onClick={onEdit}>
          Change
        </button>
        <ConfirmDelete
          what={`${account.address} and its tokens`}
          onDelete={() => void run(() => remove(account.id))}
        />
      </div>
      <p role="status" className="small">
        {note}
      </p>
      <p role="alert" className="status-error">
        {error}
      </p>
    </li>
  )
}

/** When the access token held in memory runs out, and when it will be refreshed. */
function TokenTimes({ state }: { state: OAuthAccountState }) {
  if (!state.signedIn) return null
  return (
    <p className="small muted">
      {state.accessTokenExpiresAt
        ? `Access token valid until ${clockTime(state.accessTokenExpiresAt)}`
        : 'No access token held yet: one is fetched at the first login'}
      {state.nextRefreshAt ? `; next refresh at ${clockTime(state.nextRefreshAt)}.` : '.'}
    </p>
  )
}

/** Sign in with the browser (the usual way) or with a code on another device; put in a row of buttons. */
export function SignInButtons({ state, busy }: { state: OAuthAccountState; busy: boolean }) {
  const provider = useOAuthStore((s) => s.providers.find((p) => p.id === state.account.provider))
  const startSignIn = useOAuthStore((s) => s.startSignIn)
  const flows = provider?.flows ?? ['browser']
  if (busy) return null
  const again = state.state !== 'signed-out'
  return (
    <>
      {flows.includes('browser') && (
        <button
          type="button"
          className={state.signedIn && state.state === 'signed-in' ? 'button' : 'button button-primary'}
          onClick={() => void startSignIn(state.account.id, 'browser', providerPageOpener())}
        >
          {again ? 'Sign in again' : 'Sign in'}
          <span className="visually-hidden"> {state.account.address}</span>
        </button>
      )}
      {flows.includes('device') && (
        <button
          type="button"
          className="button"
          onClick={() => void startSignIn(state.account.id, 'device', NO_PAGE)}
        >
          Use a code instead
          <span className="visually-hidden"> for {state.account.address}</span>
        </button>
      )}
    </>
  )
}
