// Issue 18's lab, proven with real clients: tokens from the real provider (oidc-provider) open
// IMAP, POP3 and SMTP on servers that accept nothing else; a password, a revoked token, an
// expired token, a token without the mail scope and another user's token are refused, and the
// exact refusal lines are pinned (the tunnel explains them to its clients).
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import { createServer } from 'node:http'
import { beforeAll, describe, expect, it } from 'vitest'
import { getLab, type LabOAuth, type LabOAuthServer } from './lab.js'
import { labHttp } from './oauth-http.js'
import {
  approveDevice,
  completeBrowserSignIn,
  introspect,
  type LabTokens,
  loginWithCode,
  loginWithDevice,
  refresh,
  revoke,
  walkProviderPages,
} from './oauth-login.js'
import { imapLogin, type LoginAttempt, pop3Login, smtpLogin } from './oauth-probe.js'
import type { WireTarget } from './oauth-wire.js'

let oauth: LabOAuth
let tokens: LabTokens
let user: string

beforeAll(async () => {
  oauth = getLab().oauth
  user = oauth.user.address
  tokens = await loginWithCode({ caPath: oauth.caPath })
}, 30_000)

function curl(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('curl', ['-sS', '--max-time', '15', '--cacert', oauth.caPath, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
  })
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

function url(server: LabOAuthServer, scheme: string, port: number, rest = ''): string[] {
  return [
    '--resolve',
    `${server.host}:${port}:${server.address}`,
    `${scheme}://${server.host}:${port}/${rest}`,
  ]
}

function target(server: LabOAuthServer, tls: boolean): WireTarget {
  const port = tls ? server.ports.tls : server.ports.starttls
  return { host: server.host, address: server.address, port, caPath: oauth.caPath, implicitTls: tls }
}

const PROTOCOLS = [
  { name: 'IMAP', login: imapLogin, server: () => oauth.imap },
  { name: 'POP3', login: pop3Login, server: () => oauth.pop3 },
  { name: 'SMTP', login: smtpLogin, server: () => oauth.smtp },
] as const

const REFUSED = {
  IMAP: 'A NO [AUTHENTICATIONFAILED] Authentication failed.',
  POP3: '-ERR [AUTH] Authentication failed.',
  SMTP: '535 Incorrect authentication data',
} as const

// Dovecot's XOAUTH2 error challenge (Google's format) and RFC 7628's OAUTHBEARER one.
const CHALLENGE = {
  xoauth2: '{"status":"401","schemes":"bearer","scope":"mail"}',
  oauthbearer: '{"status":"invalid_token"}',
} as const

async function everyWay(attempt: (kind: 'xoauth2' | 'oauthbearer') => LoginAttempt) {
  const outcomes: { where: string; ok: boolean; final: string; challenge: string | null }[] = []
  for (const p of PROTOCOLS)
    for (const tls of [true, false])
      for (const kind of ['xoauth2', 'oauthbearer'] as const) {
        const r = await p.login(target(p.server(), tls), attempt(kind))
        outcomes.push({ where: `${p.name} ${tls ? 'TLS' : 'STARTTLS'} ${kind}`, ...r })
      }
  return outcomes
}

describe('the provider', () => {
  it('publishes discovery with PKCE S256, the device grant, revocation and introspection', async () => {
    const r = curl(['--resolve', `${oauth.provider.host}:443:${oauth.provider.address}`, oauth.discoveryUrl])
    expect(r.status).toBe(0)
    const d = JSON.parse(r.stdout) as Record<string, unknown>
    expect(d.issuer).toBe(oauth.issuer)
    expect(d.code_challenge_methods_supported).toEqual(['S256'])
    expect(d.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:device_code')
    expect(d.device_authorization_endpoint).toBe(oauth.endpoints.device)
    expect(d.revocation_endpoint).toBe(oauth.endpoints.revocation)
    expect(d.introspection_endpoint).toBe(oauth.endpoints.introspection)
    expect(d.scopes_supported).toContain(oauth.mailScope)
  })

  it('issues a refresh token that rotates; the used one is refused afterwards', async () => {
    const first = await loginWithCode({ caPath: oauth.caPath })
    const second = await refresh(first.refresh_token, { caPath: oauth.caPath })
    expect(second.refresh_token).not.toBe(first.refresh_token)
    expect(second.expires_in).toBe(oauth.clients.main.accessTokenSeconds)
    await expect(refresh(first.refresh_token, { caPath: oauth.caPath })).rejects.toThrow(/invalid_grant/)
  }, 30_000)

  it('its login form refuses a wrong password, its verification page a wrong user code', async () => {
    const wrong = { address: user, password: `${oauth.user.password}-wrong` }
    await expect(loginWithCode({ caPath: oauth.caPath, user: wrong })).rejects.toThrow(
      /Wrong address or password/,
    )
    await expect(approveDevice('BCDF-GHJK', { caPath: oauth.caPath })).rejects.toThrow(/wrong or has expired/)
  }, 30_000)

  it('introspects a token as Dovecot does: active, sub = the mail address, the mail scope', async () => {
    const info = await introspect(tokens.access_token, { caPath: oauth.caPath })
    expect(info).toMatchObject({ active: true, sub: user, client_id: oauth.clients.main.clientId })
    expect(info.scope?.split(' ')).toContain(oauth.mailScope)
  })
})

describe('a valid token', () => {
  it('logs in with XOAUTH2 and OAUTHBEARER on IMAP, POP3 and SMTP, implicit TLS and STARTTLS', async () => {
    const outcomes = await everyWay((kind) => ({ kind, user, token: tokens.access_token }))
    expect(outcomes.filter((o) => !o.ok).map((o) => `${o.where}: ${o.final}`)).toEqual([])
  }, 60_000)

  it('works with curl --oauth2-bearer: IMAP 993 and 143, POP3 995 and 110', () => {
    const bearer = ['-u', user, '--oauth2-bearer', tokens.access_token]
    const imaps = curl([
      ...bearer,
      ...url(oauth.imap, 'imaps', oauth.imap.ports.tls, 'INBOX'),
      '-X',
      'EXAMINE INBOX',
    ])
    expect(imaps.status, imaps.stderr).toBe(0)
    expect(imaps.stdout).toMatch(/\d+ EXISTS/)
    const imap = curl([
      ...bearer,
      '--ssl-reqd',
      ...url(oauth.imap, 'imap', oauth.imap.ports.starttls, 'INBOX'),
    ])
    expect(imap.status, imap.stderr).toBe(0)
    const pop3s = curl([...bearer, ...url(oauth.pop3, 'pop3s', oauth.pop3.ports.tls)])
    expect(pop3s.status, pop3s.stderr).toBe(0)
    expect(pop3s.stdout).toMatch(/^1 \d+/m)
    const pop3 = curl([...bearer, '--ssl-reqd', ...url(oauth.pop3, 'pop3', oauth.pop3.ports.starttls)])
    expect(pop3.status, pop3.stderr).toBe(0)
  })

  it('sends over SMTP 465 and 587 (curl) and the messages arrive in the OAuth INBOX', () => {
    const subject = `oauth lab ${randomUUID()}`
    const message = `From: ${user}\r\nTo: ${user}\r\nSubject: ${subject}\r\n\r\nsent with a bearer token\r\n`
    const file = `${fs.mkdtempSync('/tmp/mw-oauth-')}/m.eml`
    fs.writeFileSync(file, message)
    const bearer = [
      '-u',
      user,
      '--oauth2-bearer',
      tokens.access_token,
      '--mail-from',
      user,
      '--mail-rcpt',
      user,
    ]
    for (const [scheme, port, extra] of [
      ['smtps', oauth.smtp.ports.tls, []],
      ['smtp', oauth.smtp.ports.starttls, ['--ssl-reqd']],
    ] as const) {
      const sent = curl([...bearer, ...extra, ...url(oauth.smtp, scheme, port), '-T', file])
      expect(sent.status, `${scheme} ${port}: ${sent.stderr}`).toBe(0)
    }
    const search = ['-u', user, '--oauth2-bearer', tokens.access_token, '-X', `SEARCH SUBJECT "${subject}"`]
    let found = ''
    for (let i = 0; i < 50 && found.split(' ').length < 4; i++) {
      found = curl([...search, ...url(oauth.imap, 'imaps', oauth.imap.ports.tls, 'INBOX')]).stdout.trim()
      if (found.split(' ').length < 4) spawnSync('sleep', ['0.1'])
    }
    expect(found).toMatch(/^\* SEARCH \d+ \d+$/)
  }, 30_000)

  it('a token from the device flow works too', async () => {
    const device = await loginWithDevice({ caPath: oauth.caPath })
    const r = await imapLogin(target(oauth.imap, true), { kind: 'xoauth2', user, token: device.access_token })
    expect(r.ok, r.final).toBe(true)
  }, 30_000)
})

describe('refusals (the lines the tunnel explains)', () => {
  it('refuses a password in every protocol (no password mechanism at all)', async () => {
    const password = oauth.user.password
    const got: string[] = []
    for (const p of PROTOCOLS)
      for (const tls of [true, false])
        for (const kind of ['password', 'plain'] as const) {
          const r = await p.login(target(p.server(), tls), { kind, user, password })
          expect(r.ok).toBe(false)
          got.push(`${p.name} ${kind}: ${r.final}`)
        }
    expect([...new Set(got)].sort()).toEqual([
      'IMAP password: A NO [ALERT] Unsupported authentication mechanism.',
      'IMAP plain: A NO [ALERT] Unsupported authentication mechanism.',
      'POP3 password: -ERR [AUTH] Unsupported authentication mechanism.',
      'POP3 plain: -ERR [AUTH] Unsupported authentication mechanism.',
      'SMTP password: 504 LOGIN authentication mechanism not supported',
      'SMTP plain: 504 PLAIN authentication mechanism not supported',
    ])
    const curlPassword = curl([
      '-u',
      `${user}:${password}`,
      ...url(oauth.imap, 'imaps', oauth.imap.ports.tls, 'INBOX'),
    ])
    expect(curlPassword.status).not.toBe(0)
  }, 60_000)

  async function expectRefusedEverywhere(token: string) {
    const outcomes = await everyWay((kind) => ({ kind, user, token }))
    for (const o of outcomes) {
      const name = o.where.split(' ')[0] as keyof typeof REFUSED
      const kind = o.where.split(' ')[2] as keyof typeof CHALLENGE
      expect({ where: o.where, ok: o.ok, final: o.final, challenge: o.challenge }).toEqual({
        where: o.where,
        ok: false,
        final: REFUSED[name],
        challenge: CHALLENGE[kind],
      })
    }
  }

  it('refuses a revoked access token (introspection says inactive)', async () => {
    const t = await loginWithCode({ caPath: oauth.caPath })
    await revoke(t.access_token, { caPath: oauth.caPath, hint: 'access_token' })
    expect((await introspect(t.access_token, { caPath: oauth.caPath })).active).toBe(false)
    await expectRefusedEverywhere(t.access_token)
  }, 90_000)

  it('refuses an access token that expired mid-session (the short client: a few seconds)', async () => {
    const t = await loginWithCode({ caPath: oauth.caPath, clientId: oauth.clients.short.clientId })
    expect(t.expires_in).toBe(oauth.clients.short.accessTokenSeconds)
    const before = await imapLogin(target(oauth.imap, true), { kind: 'xoauth2', user, token: t.access_token })
    expect(before.ok, before.final).toBe(true)
    await new Promise((r) => setTimeout(r, (t.expires_in + 1) * 1000))
    const after = await imapLogin(target(oauth.imap, true), { kind: 'xoauth2', user, token: t.access_token })
    expect([after.ok, after.final, after.challenge]).toEqual([false, REFUSED.IMAP, CHALLENGE.xoauth2])
    // The refresh token still gives a fresh one that works.
    const renewed = await refresh(t.refresh_token, {
      caPath: oauth.caPath,
      clientId: oauth.clients.short.clientId,
    })
    const again = await imapLogin(target(oauth.imap, true), {
      kind: 'xoauth2',
      user,
      token: renewed.access_token,
    })
    expect(again.ok, again.final).toBe(true)
  }, 30_000)

  it('a revoked refresh token can no longer be refreshed', async () => {
    const t = await loginWithCode({ caPath: oauth.caPath })
    await revoke(t.refresh_token, { caPath: oauth.caPath, hint: 'refresh_token' })
    await expect(refresh(t.refresh_token, { caPath: oauth.caPath })).rejects.toThrow(/invalid_grant/)
  }, 30_000)

  it('refuses a token without the mail scope, and a token used for another user', async () => {
    const noMail = await loginWithCode({ caPath: oauth.caPath, scope: 'openid email offline_access' })
    const r = await imapLogin(target(oauth.imap, true), { kind: 'xoauth2', user, token: noMail.access_token })
    expect([r.ok, r.final]).toEqual([false, REFUSED.IMAP])
    const other = await imapLogin(target(oauth.imap, true), {
      kind: 'xoauth2',
      user: `bob@${user.split('@')[1]}`,
      token: tokens.access_token,
    })
    expect([other.ok, other.final]).toEqual([false, REFUSED.IMAP])
  }, 30_000)
})

describe('the browser flow of someone else’s code', () => {
  it('completeBrowserSignIn signs in and delivers the code to a loopback listener', async () => {
    let received: URLSearchParams | null = null
    const server = createServer((req, res) => {
      received = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams
      res.end('signed in, you can close this window')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    try {
      const port = (server.address() as { port: number }).port
      const verifier = randomBytes(32).toString('base64url')
      const auth = new URL(oauth.endpoints.authorization)
      auth.search = new URLSearchParams({
        client_id: oauth.clients.main.clientId,
        response_type: 'code',
        redirect_uri: `http://127.0.0.1:${port}/callback`,
        scope: oauth.scopes.join(' '),
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        state: 'st-1',
      }).toString()
      const done = await completeBrowserSignIn(auth.href, { caPath: oauth.caPath })
      expect(done.status).toBe(200)
      const got = received as URLSearchParams | null
      expect(got?.get('state')).toBe('st-1')
      expect(got?.get('code')).toMatch(/^[\w-]{20,}$/)
      expect(got?.get('iss')).toBe(oauth.issuer)
    } finally {
      server.close()
    }
  }, 30_000)

  it('refuses an authorization request without PKCE (public client)', async () => {
    const auth = new URL(oauth.endpoints.authorization)
    auth.search = new URLSearchParams({
      client_id: oauth.clients.main.clientId,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:5555/callback',
      scope: oauth.scopes.join(' '),
    }).toString()
    const end = await walkProviderPages(labHttp(oauth.caPath), auth.href)
    expect(new URL(end ?? 'http://x/').searchParams.get('error')).toBe('invalid_request')
  }, 30_000)
})
