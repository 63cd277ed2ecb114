// The OAuth 2.0 job's part of the contract: provider presets, accounts (persisted in settings as
// `oauthAccounts`, without secrets), signing in (a long run: the browser flow with PKCE and a
// loopback redirect, or the device flow), signing out, and the `oauth.status` event. No token or
// secret ever travels in a response or an event; a client secret only in a save request, to be
// put in the OS keychain.
import { z } from 'zod'
import { OAuthAccount, OAuthAccountId, OAuthMechanism, OAuthProviderId } from './oauth-account.js'
import { longRun, operation } from './runs.js'
import { SecretValue } from './schemas.js'

export * from './oauth-account.js'

export const OAuthFlowId = z.enum(['browser', 'device'])
export type OAuthFlowId = z.infer<typeof OAuthFlowId>

const MailHost = z
  .object({ host: z.string(), port: z.number().int(), security: z.enum(['implicit-tls', 'starttls']) })
  .strict()

/** A preset as the UI shows it (shared/knowledge/oauth-providers.ts). */
export const OAuthProviderInfo = z
  .object({
    id: OAuthProviderId,
    name: z.string(),
    endpoints: z
      .object({
        authorization: z.string(),
        token: z.string(),
        deviceAuthorization: z.string().nullable(),
        revocation: z.string().nullable(),
      })
      .strict()
      .nullable(),
    scopes: z.array(z.string()),
    mechanism: OAuthMechanism,
    flows: z.array(OAuthFlowId),
    needsClientSecret: z.boolean(),
    defaultTenant: z.string().nullable(),
    registration: z.object({ url: z.string(), text: z.string(), link: z.string() }).strict(),
    notes: z.array(z.string()),
    mail: z
      .object({ imap: MailHost.nullable(), pop3: MailHost.nullable(), smtp: MailHost.nullable() })
      .strict(),
  })
  .strict()
export type OAuthProviderInfo = z.infer<typeof OAuthProviderInfo>

/** Why the last attempt failed: the seam's ids (core/oauth/token-source.ts), with a sentence. */
export const OAuthFailure = z
  .object({
    id: z.enum(['needs-authorization', 'provider-refused', 'provider-unreachable']),
    message: z.string().max(2000),
    /** The provider's own code (invalid_grant, AADSTS70000), never a token. */
    providerCode: z.string().max(200).nullable(),
  })
  .strict()
export type OAuthFailure = z.infer<typeof OAuthFailure>

/**
 * signed-out: no refresh token stored; signed-in: a refresh token is stored (and an access token may
 * be held in memory); needs-authorization: the provider refused the refresh token, sign in again;
 * refresh-failed: the last refresh failed for another reason (network, provider) and will be retried.
 */
export const OAuthSessionState = z.enum(['signed-out', 'signed-in', 'needs-authorization', 'refresh-failed'])
export type OAuthSessionState = z.infer<typeof OAuthSessionState>

export const OAuthAccountState = z
  .object({
    account: OAuthAccount,
    signedIn: z.boolean(),
    state: OAuthSessionState,
    /** Whether a client secret is stored in the keychain for this account. */
    hasClientSecret: z.boolean(),
    /** ISO 8601, of the access token held in memory; null when none is held. */
    accessTokenExpiresAt: z.string().nullable(),
    /** ISO 8601: when the held token will be refreshed (a minute before it expires). */
    nextRefreshAt: z.string().nullable(),
    lastError: OAuthFailure.nullable(),
  })
  .strict()
export type OAuthAccountState = z.infer<typeof OAuthAccountState>

export const OAuthAuthorizeRequest = z.object({ accountId: OAuthAccountId, flow: OAuthFlowId }).strict()
export type OAuthAuthorizeRequest = z.infer<typeof OAuthAuthorizeRequest>

export const OAuthAuthorizeProgress = z.discriminatedUnion('phase', [
  /** Open this URL in the system browser (the loopback listener waits for the redirect). */
  z.object({ phase: z.literal('open-browser'), url: z.string().max(8192) }).strict(),
  /** Show the user code and where to enter it (RFC 8628). */
  z
    .object({
      phase: z.literal('device-code'),
      userCode: z.string().max(64),
      verificationUri: z.string().max(2048),
      verificationUriComplete: z.string().max(2048).nullable(),
      expiresAt: z.string(),
    })
    .strict(),
])
export type OAuthAuthorizeProgress = z.infer<typeof OAuthAuthorizeProgress>

export const oauthAuthorizeRun = longRun({
  request: OAuthAuthorizeRequest,
  progress: OAuthAuthorizeProgress,
  result: OAuthAccountState,
  summary: 'Sign an OAuth account in: the browser flow (PKCE, loopback redirect) or the device flow.',
})

const ById = z.object({ id: OAuthAccountId }).strict()

export const OAuthAccountSaveRequest = z
  .object({
    account: OAuthAccount,
    /** Only where the provider demands one; goes to the OS keychain only. null: delete the stored one. */
    clientSecret: SecretValue.nullable().optional(),
  })
  .strict()

export const OAuthLogoutResult = z
  .object({
    state: OAuthAccountState,
    /** revoked: the provider confirmed; no-endpoint: it has none (token deleted here only);
     * failed: the provider could not be reached or refused (deleted here anyway); nothing: none stored. */
    revocation: z.enum(['revoked', 'no-endpoint', 'failed', 'nothing']),
    message: z.string().max(2000),
  })
  .strict()
export type OAuthLogoutResult = z.infer<typeof OAuthLogoutResult>

export const oauthOperations = {
  'oauth.providers': operation(
    z.object({}).strict(),
    z.object({ providers: z.array(OAuthProviderInfo) }).strict(),
    'The OAuth 2.0 provider presets: endpoints, scopes, flows, where to get a client id.',
  ),
  'oauth.accounts': operation(
    z.object({}).strict(),
    z.object({ accounts: z.array(OAuthAccountState) }).strict(),
    'The OAuth accounts with their sign-in state (never a token).',
  ),
  'oauth.account.save': operation(
    OAuthAccountSaveRequest,
    OAuthAccountState,
    'Add or replace an OAuth account (settings); a client secret, if given, goes to the keychain only.',
  ),
  'oauth.account.delete': operation(
    ById,
    z.object({ id: OAuthAccountId, deleted: z.boolean() }).strict(),
    'Remove an OAuth account and its keychain entries.',
  ),
  'oauth.authorize': oauthAuthorizeRun.operation,
  'oauth.logout': operation(
    ById,
    OAuthLogoutResult,
    'Sign out: revoke the refresh token where the provider can, and delete it from the keychain.',
  ),
} as const

export const oauthEvents = {
  'oauth.authorize.progress': oauthAuthorizeRun.progressEvent,
  'oauth.authorize.finished': oauthAuthorizeRun.finishedEvent,
  /** An account's state changed (signed in, refreshed, refused, signed out, saved). */
  'oauth.status': OAuthAccountState,
  /** An account was deleted. */
  'oauth.deleted': ById,
} as const
