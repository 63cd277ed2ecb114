// One openid-client Configuration per account: a preset's endpoints (Microsoft's with the tenant
// filled in), a custom provider's explicit endpoints, or its issuer's discovered metadata (OpenID
// Connect discovery, then RFC 8414). Public clients authenticate with nothing but PKCE; a client
// secret, where the provider demands one, is read from the keychain by the caller.
import * as client from 'openid-client'
import type { OAuthAccount } from '../../shared/contract/oauth-account.js'
import { OAUTH_PROVIDERS, withTenant } from '../../shared/knowledge/oauth-providers.js'
import { toOAuthError } from './errors.js'
import { type OAuthFetchOptions, oauthFetch } from './oauth-fetch.js'
import { OAuthError } from './token-source.js'

export interface ClientOptions extends OAuthFetchOptions {
  clientSecret: string | null
}

/** The scopes to ask for: the account's own, else the preset's. */
export function scopesOf(account: OAuthAccount): string[] {
  return account.scopes ?? [...OAUTH_PROVIDERS[account.provider].scopes]
}

function explicitMetadata(account: OAuthAccount): client.ServerMetadata | null {
  const preset = OAUTH_PROVIDERS[account.provider]
  const endpoints = account.endpoints ?? preset.endpoints
  if (!endpoints) return null
  const tenant = account.tenant ?? preset.defaultTenant
  const fill = (url: string | null) => (url ? withTenant(url, tenant) : undefined)
  const authorization = fill(endpoints.authorization) as string
  return {
    // Not checked against an ID token (we ask for none): the authorization endpoint's origin names it.
    issuer: new URL(authorization).origin,
    authorization_endpoint: authorization,
    token_endpoint: fill(endpoints.token),
    device_authorization_endpoint: fill(endpoints.deviceAuthorization),
    revocation_endpoint: fill(endpoints.revocation),
  }
}

async function discover(
  issuer: string,
  account: OAuthAccount,
  auth: client.ClientAuth,
  fetch: client.CustomFetch,
  secret: string | undefined,
): Promise<client.Configuration> {
  const url = new URL(issuer)
  let firstError: unknown
  for (const algorithm of ['oidc', 'oauth2'] as const) {
    try {
      return await client.discovery(url, account.clientId, secret, auth, {
        [client.customFetch]: fetch,
        algorithm,
      })
    } catch (error) {
      firstError ??= error
    }
  }
  throw toOAuthError(firstError, `reading the metadata of ${url.origin}`)
}

/** The openid-client configuration of an account; throws OAuthError. */
export async function clientFor(
  account: OAuthAccount,
  options: ClientOptions,
): Promise<client.Configuration> {
  const preset = OAUTH_PROVIDERS[account.provider]
  if (preset.needsClientSecret && !options.clientSecret)
    throw new OAuthError(
      'provider-refused',
      `${preset.name} demands a client secret with the client id; save it with the account (it is kept in the keychain).`,
    )
  const secret = options.clientSecret ?? undefined
  const auth = secret ? client.ClientSecretPost(secret) : client.None()
  const fetch = oauthFetch(options)
  const metadata = account.provider === 'custom' && account.issuer ? null : explicitMetadata(account)
  let config: client.Configuration
  if (metadata) config = new client.Configuration(metadata, account.clientId, secret, auth)
  else if (account.issuer) config = await discover(account.issuer, account, auth, fetch, secret)
  else
    throw new OAuthError(
      'provider-refused',
      `${preset.name} has no public OAuth endpoints for mail; ${preset.registration.text}`,
    )
  config[client.customFetch] = fetch
  config.timeout = Math.ceil((options.timeoutMs ?? 15_000) / 1000)
  return config
}
