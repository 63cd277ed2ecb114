// The lab OAuth 2.0 provider's fixed facts: issuer, clients, the user, scopes and lifetimes.
// Plain data (no oidc-provider import), so tests and the lab state can read it cheaply.
import { ADDR, DOMAIN, HOST, PORT, USER } from '../topology.js'

export const ISSUER = `https://${HOST.oauthProvider}`

/** The scope a mail server could check; the lab clients ask for it with the OpenID ones. */
export const MAIL_SCOPE = `https://${DOMAIN}/mail`
export const SCOPES = ['openid', 'email', 'offline_access', MAIL_SCOPE] as const

export const CLIENT = {
  /** Public native client (no secret): PKCE S256, loopback redirect on any port (RFC 8252). */
  main: 'mailwarden-lab',
  /** As `main`, but its access tokens live ACCESS_TTL.short seconds (mid-session expiry test). */
  short: 'mailwarden-lab-short',
  /** Confidential (client_secret_basic), only for introspection by the OAuth Dovecot. */
  dovecot: 'dovecot',
} as const

// Not a secret: a fixed lab credential, also written to the state file and Dovecot's config.
export const DOVECOT_CLIENT_SECRET = 'lab-introspection-secret'

/** The redirect URI registered for the native clients; any port is accepted on it. */
export const LOOPBACK_REDIRECT = 'http://127.0.0.1/callback'

export const ACCESS_TTL = { normal: 600, short: 4 } as const

/** The lab user at the provider: the same address and password as the mail lab's user. */
export const OAUTH_USER = { address: USER.address, password: USER.password } as const

export const ENDPOINTS = {
  discovery: `${ISSUER}/.well-known/openid-configuration`,
  authorization: `${ISSUER}/auth`,
  token: `${ISSUER}/token`,
  device: `${ISSUER}/device/auth`,
  verification: `${ISSUER}/device`,
  revocation: `${ISSUER}/token/revocation`,
  introspection: `${ISSUER}/token/introspection`,
  userinfo: `${ISSUER}/me`,
} as const

/** Where the provider listens (its name resolves here in the lab DNS). */
export const PROVIDER_ADDRESS = { address: ADDR.oauthProvider, port: PORT.https } as const
