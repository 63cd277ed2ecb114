import type { TunnelState } from '../../../shared/contract/index.js'
import { useOAuthStore } from '../../stores/oauth.js'
import { SignInButtons } from './OAuthAccounts.js'
import { accountStatusWords, clockTime } from './oauth-words.js'
import { SignInStep } from './SignInStep.js'

/** The account this tunnel logs in with must be signed in (again) before any client gets through. */
export function useTunnelNeedsSignIn(state: TunnelState): boolean {
  const accountId = state.config.oauth?.accountId
  const account = useOAuthStore((s) => s.accounts.find((a) => a.account.id === accountId))
  if (!accountId) return false
  if (account) return account.state === 'signed-out' || account.state === 'needs-authorization'
  return state.oauth?.state === 'needs-authorization'
}

/** The OAuth side of a tunnel's card: the account, its token, and a sign-in where one is needed. */
export function TunnelOAuth({ state }: { state: TunnelState }) {
  const oauth = state.oauth
  const accountId = state.config.oauth?.accountId ?? oauth?.accountId ?? ''
  const account = useOAuthStore((s) => s.accounts.find((a) => a.account.id === accountId))
  const signIn = useOAuthStore((s) => (s.signIn?.accountId === accountId ? s.signIn : null))
  const address = account?.account.address ?? oauth?.address ?? accountId
  // The account's own state is the fresher one (a sign-in just now); the tunnel's says what its
  // last login with a token met.
  const needsSignIn =
    account?.state === 'needs-authorization' ||
    account?.state === 'signed-out' ||
    (oauth?.state === 'needs-authorization' && account?.state !== 'signed-in')
  const refreshFailed =
    !needsSignIn && (account?.state === 'refresh-failed' || oauth?.state === 'refresh-failed')
  const shown = account ? accountStatusWords(account) : null
  return (
    <div className="tunnel-oauth">
      <p className="small">
        Logs in with the OAuth 2.0 account <strong>{address}</strong>
        {shown ? ` (${shown.label.toLowerCase()})` : ' (the account is missing: choose another in Edit)'}
        {state.config.oauth && state.config.oauth.mechanism !== 'auto'
          ? `, ${state.config.oauth.mechanism.toUpperCase()}`
          : ''}
        .{' '}
        {account?.signedIn &&
          account.nextRefreshAt &&
          `Next token refresh at ${clockTime(account.nextRefreshAt)}.`}
      </p>
      <p className="muted small">
        Your mail client logs in with the user name {address} and this tunnel’s local password.
      </p>
      {oauth && !oauth.localPasswordSet && (
        <p className="tunnel-error">
          <strong>No local password:</strong> every client login is refused until you set one in Edit.
        </p>
      )}
      {(needsSignIn || refreshFailed) && account && (
        <div className="banner banner-warning">
          <p className="banner-title">
            {needsSignIn
              ? `${address} needs a new sign-in`
              : `The token of ${address} could not be refreshed`}
          </p>
          <p>
            {needsSignIn
              ? 'Until you sign in, your mail client’s logins through this tunnel are refused.'
              : 'Mailwarden tries again at the next login; sign in again if it keeps failing.'}
            {(account.lastError?.message ?? oauth?.lastError) &&
              ` ${account.lastError?.message ?? oauth?.lastError}`}
          </p>
          {signIn?.status === 'running' && <SignInStep signIn={signIn} address={address} />}
          <div className="form-actions">
            <SignInButtons state={account} busy={signIn?.status === 'running'} />
          </div>
        </div>
      )}
      {!needsSignIn && !refreshFailed && oauth?.lastError && (
        <p className="tunnel-error">
          <strong>Last token login:</strong> {oauth.lastError}
        </p>
      )}
    </div>
  )
}
