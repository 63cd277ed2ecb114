// A real OAuth 2.0 authorization server for the tests of core/oauth: oidc-provider (a certified
// OpenID provider library, not a stub) run in-process on 127.0.0.1 over HTTPS with a throwaway CA,
// with PKCE required, the device flow, rotating refresh tokens, revocation and introspection. Its
// login and consent pages are small forms that test-support/browser.ts fills in like a user.
// (The lab runs its own provider on auth.lab.test; this one needs no lab.)
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { makeTlsMaterial, type TlsMaterial } from '../../net/test-support/tls-material.js'

export const TEST_USER = { address: 'alice@example.test', password: 'correct horse' } as const
export const TEST_CLIENT = 'mailwarden-test'
export const INTROSPECTOR = { id: 'introspector', secret: 'introspector-secret' } as const
export const TEST_SCOPES = ['openid', 'offline_access', 'mail'] as const

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

// oidc-provider 8 ships no types: the little used here, typed loosely.
interface Grant {
  addOIDCScope(scope: string): void
  addResourceScope(resource: string, scope: string): void
  save(): Promise<string>
}
interface Details {
  uid: string
  grantId?: string
  params: Record<string, unknown>
  prompt: { name: string; details: Record<string, unknown> }
  session?: { accountId?: string }
}
interface ProviderInstance {
  proxy: boolean
  callback(): (req: IncomingMessage, res: ServerResponse) => void
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Details>
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: unknown,
    options?: unknown,
  ): Promise<void>
  Grant: {
    new (init: { accountId: string; clientId: string }): Grant
    find(id: string): Promise<Grant | undefined>
  }
  on(event: string, listener: (...args: unknown[]) => void): void
}
type ProviderCtor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance

export interface TestProvider {
  issuer: string
  tls: TlsMaterial
  /** Access token lifetime in seconds, changeable between tests. */
  accessTtl: { seconds: number }
  close(): Promise<void>
}

const page = (body: string) => `<!doctype html><html><body>${body}</body></html>`

function nativeClient(clientId: string) {
  return {
    client_id: clientId,
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token', DEVICE_GRANT],
    response_types: ['code'],
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

async function interaction(provider: ProviderInstance, req: IncomingMessage, res: ServerResponse) {
  const [, , uid, action] = (req.url ?? '').split('?')[0]?.split('/') ?? []
  const details = await provider.interactionDetails(req, res)
  const html = (body: string) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(page(body))
  }
  if (req.method === 'GET' && details.prompt.name === 'login')
    return html(
      `<form method="post" action="/interaction/${uid}/login"><input name="login"><input type="password" name="password"><button>Sign in</button></form>`,
    )
  if (req.method === 'GET')
    return html(`<form method="post" action="/interaction/${uid}/confirm"><button>Allow</button></form>`)
  const form = await readForm(req)
  if (action === 'login') {
    if (form.get('login') !== TEST_USER.address || form.get('password') !== TEST_USER.password)
      return html('<p id="error">Wrong address or password.</p>')
    return provider.interactionFinished(req, res, { login: { accountId: TEST_USER.address } })
  }
  const accountId = details.session?.accountId ?? ''
  const clientId = String(details.params.client_id ?? '')
  const grant =
    (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
    new provider.Grant({ accountId, clientId })
  const missing = details.prompt.details as { missingOIDCScope?: string[] }
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
  const grantId = await grant.save()
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true })
}

export async function startTestProvider(): Promise<TestProvider> {
  const tls = makeTlsMaterial('Mailwarden OAuth Test CA')
  const specifier = 'oidc-provider'
  const { default: Provider } = (await import(specifier)) as { default: ProviderCtor }
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end()
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => handler(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  const accessTtl = { seconds: 600 }
  const accessTokenTtl = () => accessTtl.seconds
  const provider = new Provider(issuer, {
    clients: [
      nativeClient(TEST_CLIENT),
      {
        client_id: INTROSPECTOR.id,
        client_secret: INTROSPECTOR.secret,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
    ],
    async findAccount(_ctx: unknown, sub: string) {
      if (sub !== TEST_USER.address) return undefined
      return { accountId: sub, claims: async () => ({ sub }) }
    },
    scopes: [...TEST_SCOPES],
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
    },
    pkce: { required: () => true },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: accessTokenTtl,
      DeviceCode: 120,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      RefreshToken: 3600,
      AuthorizationCode: 60,
      IdToken: 600,
    },
    interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    jwks: {
      keys: [
        {
          ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
          alg: 'RS256',
          use: 'sig',
        },
      ],
    },
  })
  provider.on('server_error', (_ctx, error) => console.error('test provider server_error', error))
  const callback = provider.callback()
  handler = (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(provider, req, res).catch((error: unknown) => {
        res.statusCode = 500
        res.end(String(error))
      })
      return
    }
    callback(req, res)
  }
  return {
    issuer,
    tls,
    accessTtl,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          tls.remove()
          resolve()
        })
      }),
  }
}
