// An OAuth 2.0 account as persisted in settings (`oauthAccounts`): a provider, the mail address and
// the app registration used (client id; tenant for Microsoft; issuer or endpoints for a custom
// provider). Never a secret: the refresh token and a client secret live in the OS keychain only.
import { z } from 'zod'

export const OAUTH_PROVIDER_IDS = ['microsoft', 'google', 'yahoo', 'aol', 'fastmail', 'custom'] as const
export const OAuthProviderId = z.enum(OAUTH_PROVIDER_IDS)
export type OAuthProviderId = z.infer<typeof OAuthProviderId>

export const OAuthAccountId = z
  .string()
  .regex(/^[a-z0-9-]{1,64}$/, 'an OAuth account id is 1 to 64 lower-case letters, digits or dashes')
export type OAuthAccountId = z.infer<typeof OAuthAccountId>

/** The SASL mechanism the upstream login uses with the access token. */
export const OAuthMechanism = z.enum(['xoauth2', 'oauthbearer'])
export type OAuthMechanism = z.infer<typeof OAuthMechanism>

const HttpsUrl = z
  .string()
  .trim()
  .url()
  .max(2048)
  .refine((url) => /^https:\/\//i.test(url), { message: 'an OAuth endpoint must be an https:// URL' })

/** Explicit endpoints, for a custom provider without discovery. */
export const OAuthEndpoints = z
  .object({
    authorization: HttpsUrl,
    token: HttpsUrl,
    deviceAuthorization: HttpsUrl.nullable().default(null),
    revocation: HttpsUrl.nullable().default(null),
  })
  .strict()
export type OAuthEndpoints = z.infer<typeof OAuthEndpoints>

export const OAuthAccount = z
  .object({
    id: OAuthAccountId,
    provider: OAuthProviderId,
    /** The mailbox the tokens are for: XOAUTH2 `user=`, OAUTHBEARER `a=`. */
    address: z
      .string()
      .trim()
      .toLowerCase()
      .min(3)
      .max(320)
      .regex(/^[^\s@]+@[^\s@]+$/, 'give a mail address'),
    /** The app registration's client id (public; the secret, if any, is in the keychain). */
    clientId: z.string().trim().min(1).max(512),
    /** Microsoft: `common`, `organizations`, `consumers` or a tenant id/domain; null: the preset's default. */
    tenant: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.-]{1,253}$/, 'a tenant is common, organizations, consumers, a GUID or a domain')
      .nullable()
      .default(null),
    /** Custom: the issuer whose metadata is discovered (RFC 8414 / OpenID Connect discovery). */
    issuer: HttpsUrl.nullable().default(null),
    /** Custom without discovery: the endpoints themselves. */
    endpoints: OAuthEndpoints.nullable().default(null),
    /** Scopes to ask for; null: the preset's (IMAP, POP3, SMTP and offline access). */
    scopes: z.array(z.string().min(1).max(512)).max(32).nullable().default(null),
  })
  .strict()
  .refine((a) => a.provider !== 'custom' || a.issuer !== null || a.endpoints !== null, {
    message: 'a custom provider needs an issuer (for discovery) or its endpoints',
  })
export type OAuthAccount = z.infer<typeof OAuthAccount>
export type OAuthAccountInput = z.input<typeof OAuthAccount>
