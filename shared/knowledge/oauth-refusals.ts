// Why a provider or a mail server refused an OAuth 2.0 login, as data: patterns matched against
// what the server said (its SMTP/IMAP/POP3 line, the decoded XOAUTH2/OAUTHBEARER JSON) or what
// the token endpoint answered (an AADSTS code, invalid_grant), each with a title, one sentence of
// what it means and one of what to do. The first matching entry wins, so specific ones come first.
// The tunnel tells the client `title. fix` in its protocol's error (ASCII: it goes on a protocol
// line); the UI shows all three.

export interface OAuthRefusal {
  id: string
  /** Matched against the server's words or the provider's error (case-insensitive). */
  pattern: RegExp
  title: string
  /** What it means, in one sentence. */
  meaning: string
  /** What to do, in one sentence. */
  fix: string
}

export const OAUTH_REFUSALS: readonly OAuthRefusal[] = [
  {
    id: 'aadsts-50076',
    pattern: /AADSTS50076\b/i,
    title: 'Multi-factor authentication is required',
    meaning: 'The tenant demands a second factor that was not part of the last sign-in.',
    fix: 'Sign in again in Mailwarden and complete the second factor.',
  },
  {
    id: 'aadsts-50079',
    pattern: /AADSTS50079\b/i,
    title: 'Multi-factor enrollment is required',
    meaning: 'The tenant requires this user to register a second factor before signing in.',
    fix: 'Register a second factor for the account (https://aka.ms/mfasetup), then sign in again in Mailwarden.',
  },
  {
    id: 'aadsts-53003',
    pattern: /AADSTS53003\b/i,
    title: 'Blocked by a Conditional Access policy',
    meaning: 'A Conditional Access policy of the tenant blocks this sign-in (device, location or app).',
    fix: 'Ask the tenant administrator to allow this app or this device in Conditional Access.',
  },
  {
    id: 'aadsts-65001',
    pattern: /AADSTS65001\b/i,
    title: 'Consent has not been given',
    meaning: `Neither the user nor an administrator has consented to the app's mail permissions.`,
    fix: 'Sign in again and consent, or ask the tenant administrator to grant admin consent for the client id.',
  },
  {
    id: 'aadsts-70000',
    pattern: /AADSTS70000\b/i,
    title: 'The grant is no longer valid',
    meaning: 'The refresh token was revoked, has expired, or was issued for other scopes.',
    fix: 'Sign in again in Mailwarden.',
  },
  {
    id: 'aadsts-70008',
    pattern: /AADSTS70008\b/i,
    title: 'The sign-in has expired',
    meaning: 'The refresh token or authorization code expired (unused for too long, or revoked).',
    fix: 'Sign in again in Mailwarden.',
  },
  {
    id: 'aadsts-700016',
    pattern: /AADSTS700016\b/i,
    title: 'The client id is not known in this tenant',
    meaning:
      'No app with this client id exists in the tenant (a typo, the wrong tenant, or an app not yet consented there).',
    fix: 'Check the client id and the tenant of the OAuth account, or consent to the app in that tenant.',
  },
  {
    id: 'aadsts-7000218',
    pattern: /AADSTS7000218\b/i,
    title: 'The app registration demands a client secret',
    meaning:
      'The app is registered as confidential, so the token endpoint wants a secret a desktop app should not need.',
    fix: 'In the app registration, set "Allow public client flows" to Yes (Authentication), or give the client secret.',
  },
  {
    id: 'aadsts-500011',
    pattern: /AADSTS500011\b/i,
    title: 'The mail service is not known in this tenant',
    meaning:
      'The resource (Office 365 Exchange Online) was not found in the tenant: no Exchange Online licence, or the wrong tenant.',
    fix: 'Check that the account has an Exchange Online mailbox and that the tenant of the OAuth account is right.',
  },
  {
    id: 'basic-auth-disabled',
    pattern: /5\.7\.30\b|Basic authentication is not supported/i,
    title: 'The server accepts no password login',
    meaning:
      'Basic authentication (a password) is turned off for this mailbox or tenant; only OAuth 2.0 works.',
    fix: `Use the tunnel with an OAuth account (it is this message's point): check the tunnel really has one.`,
  },
  {
    id: 'smtp-auth-disabled',
    pattern: /5\.7\.139\b|SmtpClientAuthentication is disabled/i,
    title: 'SMTP AUTH is turned off for this mailbox',
    meaning:
      'Microsoft 365 has authenticated SMTP submission disabled for the tenant or this mailbox, even with OAuth.',
    fix: 'Ask the administrator to enable "Authenticated SMTP" for the mailbox (Set-CASMailbox -SmtpClientAuthenticationDisabled $false).',
  },
  {
    id: 'google-invalid-grant',
    pattern: /\binvalid_grant\b/i,
    title: 'The provider refused the saved sign-in',
    meaning:
      'The refresh token was revoked, expired (Google: 7 days for apps in "testing"), or the password changed.',
    fix: 'Sign in again in Mailwarden; for a Google app in testing, publish it to stop weekly expiry.',
  },
  {
    id: 'invalid-client',
    pattern: /\binvalid_client\b|\bunauthorized_client\b/i,
    title: 'The provider does not accept this client id',
    meaning: 'The client id (or its secret) is wrong, or the app may not use this flow.',
    fix: `Check the client id and secret of the OAuth account against the provider's app registration.`,
  },
  {
    id: 'xoauth2-invalid-token',
    pattern: /"status"\s*:\s*"401"|invalid_token|\bexpired\b.*\btoken\b|\btoken\b.*\bexpired\b/i,
    title: 'The server refused the access token',
    meaning:
      'The server refused even a fresh token: it was revoked, is for another user than this address, or was granted without the mail permission (scope) the server asks for. Servers such as Dovecot say the same words for each.',
    fix: `Sign in again in Mailwarden with the mailbox's own account (the address must match the signed-in user); for a custom provider, check that the account asks for the server's mail scope.`,
  },
  {
    id: 'xoauth2-bad-request',
    pattern: /"status"\s*:\s*"400"|invalid_request/i,
    title: 'The server found the token login malformed or for another user',
    meaning: `The server refused the XOAUTH2/OAUTHBEARER request itself: the address does not match the token's user, or the mechanism is not set up.`,
    fix: `Check that the OAuth account's address is the mailbox signed in, or choose the other SASL mechanism for the tunnel.`,
  },
  {
    id: 'scope',
    pattern: /"status"\s*:\s*"403"|insufficient_scope|\bscope\b/i,
    title: 'The token lacks the mail permission',
    meaning: 'The access token was granted without the scope this protocol needs (IMAP, POP or SMTP).',
    fix: 'Sign in again in Mailwarden and accept every permission asked for.',
  },
  {
    id: 'ms-auth-unsuccessful',
    pattern: /5\.7\.3\b|Authentication unsuccessful|AUTHENTICATE failed/i,
    title: 'Microsoft refused the token login',
    meaning: `Exchange Online refused the token: the mailbox lacks IMAP/POP/SMTP access, the scope is for another protocol, or the address is not the signed-in user's.`,
    fix: `Check that IMAP/POP/SMTP AUTH is enabled for the mailbox and that the OAuth account's address is that mailbox.`,
  },
]

/** The generic entry when nothing matched (the server's own words are then the detail). */
export const OAUTH_REFUSAL_UNKNOWN: OAuthRefusal = {
  id: 'unknown',
  pattern: /$^/,
  title: 'The server refused the token login',
  meaning: 'The server refused the login with a fresh access token and did not say why in a known way.',
  fix: `Check the OAuth account's address and sign in again in Mailwarden; the connection log has the server's words.`,
}

/** The entry whose pattern matches the first of `texts` it can (in order of the list). */
export function explainOAuthRefusal(...texts: ReadonlyArray<string | null | undefined>): OAuthRefusal {
  const said = texts.filter((t): t is string => typeof t === 'string' && t.length > 0).join('\n')
  return OAUTH_REFUSALS.find((refusal) => refusal.pattern.test(said)) ?? OAUTH_REFUSAL_UNKNOWN
}
