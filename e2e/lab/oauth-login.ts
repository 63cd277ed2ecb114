// Real tokens from the lab provider without a browser, for tests: the authorization-code flow with
// PKCE (submitting the provider's own login and consent forms, stopping at the loopback redirect)
// and the device flow (approving the user code on the verification page, then polling), plus
// refresh, revocation (RFC 7009) and introspection (RFC 7662, as Dovecot asks).
import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import { getLab } from './lab.js'
import { firstForm, type HttpResponse, type LabHttp, labHttp } from './oauth-http.js'
import {
  CLIENT,
  DOVECOT_CLIENT_SECRET,
  ENDPOINTS,
  LOOPBACK_REDIRECT,
  OAUTH_USER,
  SCOPES,
} from './oauth-provider/settings.js'

export interface LabTokens {
  access_token: string
  refresh_token: string
  expires_in: number
  scope: string
  id_token?: string
}

export interface LabLoginOptions {
  /** `mailwarden-lab` (default) or `mailwarden-lab-short` (4 s access tokens). */
  clientId?: string
  /** Defaults to the lab state's CA (`getLab().caPath`). */
  caPath?: string
  user?: { address: string; password: string }
  scope?: string
}

const MAX_STEPS = 20

function caOf(options: LabLoginOptions): string {
  return options.caPath ?? getLab().caPath
}

function base64url(b: Buffer): string {
  return b.toString('base64url')
}

async function tokenRequest(http: LabHttp, form: Record<string, string>): Promise<LabTokens> {
  const res = await http.request(ENDPOINTS.token, { form })
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${oauthError(res)}`)
  const t = res.json<LabTokens>()
  if (!t.access_token || !t.refresh_token) throw new Error('token endpoint gave no access or refresh token')
  return t
}

function oauthError(res: HttpResponse): string {
  try {
    const e = res.json<{ error?: string; error_description?: string }>()
    return `${e.error ?? 'error'}${e.error_description ? ` (${e.error_description})` : ''}`
  } catch {
    return res.body.slice(0, 200)
  }
}

/**
 * Walk the provider's pages from `url` like a user would: follow redirects, fill the login form
 * (address + password), confirm consent and device prompts. Ends at a redirect leaving the
 * provider (returned: the loopback callback URL with `code`) or a page without a form (returned null).
 */
export async function walkProviderPages(
  http: LabHttp,
  url: string,
  user: { address: string; password: string } = OAUTH_USER,
): Promise<string | null> {
  let res = await http.request(url)
  let current = url
  for (let step = 0; step < MAX_STEPS; step++) {
    if (res.location) {
      if (!res.location.startsWith(`${new URL(ENDPOINTS.token).origin}/`)) return res.location
      current = res.location
      res = await http.request(current)
      continue
    }
    if (res.status !== 200)
      throw new Error(`provider page ${new URL(current).pathname} answered ${res.status}`)
    const form = firstForm(res.body, current)
    if (!form) {
      if (/id="error"|Sign-in error/.test(res.body)) throw new Error(`provider refused: ${textOf(res.body)}`)
      return null
    }
    if (/id="error"/.test(res.body)) throw new Error(`provider refused: ${textOf(res.body)}`)
    const fields = { ...form.fields }
    if (form.names.includes('login')) Object.assign(fields, { login: user.address, password: user.password })
    current = form.action
    res = await http.request(form.action, { form: fields })
  }
  throw new Error(`sign-in did not finish within ${MAX_STEPS} steps`)
}

function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200)
}

/** The authorization-code flow with PKCE (S256) and a loopback redirect on a random port. */
export async function loginWithCode(options: LabLoginOptions = {}): Promise<LabTokens> {
  const http = labHttp(caOf(options))
  const clientId = options.clientId ?? CLIENT.main
  const verifier = base64url(randomBytes(32))
  const state = base64url(randomBytes(16))
  const redirectUri = LOOPBACK_REDIRECT.replace(
    '127.0.0.1',
    `127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}`,
  )
  const auth = new URL(ENDPOINTS.authorization)
  auth.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: options.scope ?? SCOPES.join(' '),
    state,
    code_challenge: base64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    prompt: 'consent',
  }).toString()
  const callback = await walkProviderPages(http, auth.href, options.user)
  if (!callback?.startsWith(redirectUri.replace('/callback', '')))
    throw new Error(`sign-in did not come back to ${redirectUri}: ${callback ?? 'ended on a page'}`)
  const params = new URL(callback).searchParams
  if (params.get('error'))
    throw new Error(`authorization refused: ${params.get('error')} ${params.get('error_description') ?? ''}`)
  if (params.get('state') !== state) throw new Error('authorization answered with another state')
  const code = params.get('code')
  if (!code) throw new Error('authorization answered without a code')
  return tokenRequest(http, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: clientId,
    code_verifier: verifier,
  })
}

/**
 * What a browser does with an authorization URL someone else's code made (e.g. the app's browser
 * flow with its own loopback listener): sign in, consent, then load the loopback callback so the
 * listener gets its code. Returns the callback's HTTP status and (first 4 KiB of) body.
 */
export async function completeBrowserSignIn(
  authorizeUrl: string,
  options: LabLoginOptions = {},
): Promise<{ callbackUrl: string; status: number; body: string }> {
  const callbackUrl = await walkProviderPages(labHttp(caOf(options)), authorizeUrl, options.user)
  if (!callbackUrl?.startsWith('http://127.0.0.1:') && !callbackUrl?.startsWith('http://[::1]:'))
    throw new Error(`sign-in did not end at a loopback redirect: ${callbackUrl ?? 'ended on a page'}`)
  return new Promise((resolve, reject) => {
    const req = http.get(callbackUrl, { timeout: 10_000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => {
        if (body.length < 4096) body += c
      })
      res.on('end', () => resolve({ callbackUrl, status: res.statusCode ?? 0, body: body.slice(0, 4096) }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('the loopback listener did not answer within 10 s')))
    req.on('error', reject)
  })
}

export interface DeviceStart {
  device_code: string
  user_code: string
  verification_uri: string
  verification_uri_complete: string
  expires_in: number
  interval: number
}

export async function startDevice(options: LabLoginOptions = {}): Promise<DeviceStart> {
  const http = labHttp(caOf(options))
  const res = await http.request(ENDPOINTS.device, {
    form: { client_id: options.clientId ?? CLIENT.main, scope: options.scope ?? SCOPES.join(' ') },
  })
  if (res.status !== 200) throw new Error(`device endpoint answered ${res.status}: ${oauthError(res)}`)
  return res.json<DeviceStart>()
}

/** What the user does on another device: open the verification page, enter the code, sign in. */
export async function approveDevice(userCode: string, options: LabLoginOptions = {}): Promise<void> {
  const http = labHttp(caOf(options))
  const page = await http.request(ENDPOINTS.verification)
  const form = firstForm(page.body, ENDPOINTS.verification)
  if (!form) throw new Error('the verification page has no form')
  const first = await http.request(form.action, { form: { ...form.fields, user_code: userCode } })
  // The code entry answers with the confirmation page (a form), which the walk continues from.
  const confirm = /id="error"/.test(first.body) ? null : firstForm(first.body, form.action)
  if (!confirm) throw new Error(`the verification page refused the code: ${textOf(first.body)}`)
  const next = await http.request(confirm.action, { form: confirm.fields })
  const start = next.location
  if (!start) throw new Error(`device confirmation did not lead to a sign-in: ${textOf(next.body)}`)
  const end = await walkProviderPages(http, start, options.user)
  if (end !== null) throw new Error(`device sign-in ended at an unexpected redirect: ${end}`)
}

/** Poll the token endpoint as a device does (honouring `interval` and slow_down). */
export async function pollDevice(start: DeviceStart, options: LabLoginOptions = {}): Promise<LabTokens> {
  const http = labHttp(caOf(options))
  let interval = start.interval
  const deadline = Date.now() + start.expires_in * 1000
  while (Date.now() < deadline) {
    const res = await http.request(ENDPOINTS.token, {
      form: {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: start.device_code,
        client_id: options.clientId ?? CLIENT.main,
      },
    })
    if (res.status === 200) return res.json<LabTokens>()
    const error = res.json<{ error?: string }>().error
    if (error === 'slow_down') interval += 5
    else if (error !== 'authorization_pending')
      throw new Error(`device token request refused: ${oauthError(res)}`)
    await new Promise((r) => setTimeout(r, interval * 1000))
  }
  throw new Error('device code expired before approval')
}

/** The whole device flow: start, approve as the user, poll. */
export async function loginWithDevice(options: LabLoginOptions = {}): Promise<LabTokens> {
  const start = await startDevice(options)
  const polled = pollDevice({ ...start, interval: Math.min(start.interval, 1) }, options)
  await approveDevice(start.user_code, options)
  return polled
}

export async function refresh(refreshToken: string, options: LabLoginOptions = {}): Promise<LabTokens> {
  return tokenRequest(labHttp(caOf(options)), {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: options.clientId ?? CLIENT.main,
  })
}

/** RFC 7009 revocation as the public client; the provider answers 200 whether or not it knew the token. */
export async function revoke(
  token: string,
  options: LabLoginOptions & { hint?: 'access_token' | 'refresh_token' } = {},
): Promise<void> {
  const form: Record<string, string> = { token, client_id: options.clientId ?? CLIENT.main }
  if (options.hint) form.token_type_hint = options.hint
  const res = await labHttp(caOf(options)).request(ENDPOINTS.revocation, { form })
  if (res.status !== 200) throw new Error(`revocation endpoint answered ${res.status}: ${oauthError(res)}`)
}

export interface Introspection {
  active: boolean
  sub?: string
  client_id?: string
  scope?: string
  exp?: number
  token_type?: string
}

/** RFC 7662 introspection exactly as the OAuth Dovecot does it (POST, client `dovecot`). */
export async function introspect(token: string, options: LabLoginOptions = {}): Promise<Introspection> {
  const res = await labHttp(caOf(options)).request(ENDPOINTS.introspection, {
    form: { token },
    basicAuth: [CLIENT.dovecot, DOVECOT_CLIENT_SECRET],
  })
  if (res.status !== 200) throw new Error(`introspection endpoint answered ${res.status}: ${oauthError(res)}`)
  return res.json<Introspection>()
}
