// The lab's OAuth 2.0 / OpenID provider: oidc-provider (a certified implementation, not a stub)
// configured for the mail lab, served over HTTPS with a lab CA certificate. State is in memory:
// a lab restart forgets every grant and token. Exported so other helpers can run it in-process
// (`startLabProvider`); the lab itself runs it as a separate process (main.ts).
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import Provider, { type ClientLike, type Configuration } from 'oidc-provider'
import { handleInteraction } from './interactions.js'
import { devicePages, logoutSource, postLogoutSuccessSource, renderError } from './pages.js'
import {
  ACCESS_TTL,
  CLIENT,
  DOVECOT_CLIENT_SECRET,
  ISSUER,
  LOOPBACK_REDIRECT,
  OAUTH_USER,
  PROVIDER_ADDRESS,
  SCOPES,
} from './settings.js'

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

function nativeClient(clientId: string) {
  return {
    client_id: clientId,
    application_type: 'native' as const,
    token_endpoint_auth_method: 'none' as const,
    redirect_uris: [LOOPBACK_REDIRECT],
    grant_types: ['authorization_code', 'refresh_token', DEVICE_GRANT],
    response_types: ['code'],
    scope: SCOPES.join(' '),
  }
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'lab-1' }
}

export function labProviderConfiguration(): Configuration {
  return {
    clients: [
      nativeClient(CLIENT.main),
      nativeClient(CLIENT.short),
      {
        client_id: CLIENT.dovecot,
        client_secret: DOVECOT_CLIENT_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
    ],
    // The subject is the mail address: Dovecot compares it with the SASL user name.
    async findAccount(_ctx, sub) {
      if (sub !== OAUTH_USER.address) return undefined
      return { accountId: sub, claims: async () => ({ sub, email: sub, email_verified: true }) }
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    scopes: [...SCOPES],
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true, ...devicePages },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      // Dovecot introspects every client's tokens; a lab client only its own.
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, caller: ClientLike, token: { clientId?: string }) =>
          caller.clientId === CLIENT.dovecot || token.clientId === caller.clientId,
      },
      revocation: { enabled: true },
    },
    // PKCE S256 for every client that can use the code flow (the lab's are all public).
    pkce: { methods: ['S256'], required: () => true },
    // Always a refresh token for the lab clients (with or without offline_access / prompt=consent),
    // rotated at every use: the old one is consumed, replaying it revokes the grant.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: (_ctx, _token, client) =>
        client.clientId === CLIENT.short ? ACCESS_TTL.short : ACCESS_TTL.normal,
      AuthorizationCode: 60,
      DeviceCode: 600,
      Grant: 14 * 86400,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: 14 * 86400,
      Session: 86400,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [signingKey()] },
    renderError,
  }
}

export interface LabProviderOptions {
  cert: string
  key: string
  address?: string
  /** 0: any free port (tests running it in-process). */
  port?: number
  issuer?: string
}

export interface RunningProvider {
  provider: Provider
  /** Where it really listens, e.g. https://127.0.10.40:443 (the issuer name resolves here). */
  listening: { address: string; port: number }
  close(): Promise<void>
}

export async function startLabProvider(options: LabProviderOptions): Promise<RunningProvider> {
  const provider = new Provider(options.issuer ?? ISSUER, labProviderConfiguration())
  provider.proxy = false
  const callback = provider.callback()
  const server = https.createServer(
    { cert: fs.readFileSync(options.cert), key: fs.readFileSync(options.key) },
    (req, res) => {
      if (req.url?.startsWith('/interaction/')) {
        handleInteraction(provider, req, res).catch((err: unknown) => {
          res.statusCode = 500
          res.end(err instanceof Error ? err.message : 'interaction failed')
        })
        return
      }
      callback(req, res)
    },
  )
  server.headersTimeout = 10_000
  server.requestTimeout = 20_000
  const address = options.address ?? PROVIDER_ADDRESS.address
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? PROVIDER_ADDRESS.port, address, () => resolve())
  })
  const info = server.address() as AddressInfo
  return {
    provider,
    listening: { address: info.address, port: info.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
