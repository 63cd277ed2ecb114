// The OAuth session against a real authorization server (oidc-provider, in-process on 127.0.0.1,
// test-support/provider.ts) and the real OS keychain (GNOME Keyring on a private D-Bus session:
// run under `dbus-run-session -- sh scripts/keyring-session.sh`). A fake user submits the
// provider's own forms; everything else is the code the app runs.
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../engine.js'
import { KEYCHAIN_SERVICE } from '../keychain/keychain.js'
import { fakeUser } from './test-support/browser.js'
import {
  INTROSPECTOR,
  startTestProvider,
  TEST_CLIENT,
  TEST_SCOPES,
  type TestProvider,
} from './test-support/provider.js'
import { OAuthError } from './token-source.js'
import { clientSecretEntry, refreshTokenEntry } from './token-store.js'

const ID = `t-${process.pid}`
let provider: TestProvider
let engine: Engine
let dir: string
const seen: string[] = []
/** Every token the tests saw, to prove none reached an event or a log line. */
const tokens: string[] = []

function providerPost(
  pathname: string,
  form: Record<string, string>,
  auth?: string,
): Promise<Record<string, unknown>> {
  const body = new URLSearchParams(form).toString()
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${provider.issuer}${pathname}`,
      {
        method: 'POST',
        ca: provider.tls.caPem,
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {})
        })
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

const introspect = (token: string) =>
  providerPost('/token/introspection', { token }, `${INTROSPECTOR.id}:${INTROSPECTOR.secret}`)

function keyringLookup(account: string): string {
  const found = spawnSync('secret-tool', ['lookup', 'service', KEYCHAIN_SERVICE, 'account', account], {
    encoding: 'utf8',
  }).stdout
  if (found) tokens.push(found)
  return found
}

const introspected = (token: string) => {
  tokens.push(token)
  return introspect(token)
}

beforeAll(async () => {
  provider = await startTestProvider()
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-oauth-'))
  engine = createEngine({ configDir: dir, shell: 'cli' })
  // Everything the engine says to the UI or the log, to prove no token is in it.
  engine.on('oauth.status', (s) => seen.push(JSON.stringify(s)))
  engine.on('log', (l) => seen.push(JSON.stringify(l)))
  await engine.settings.update({ extraCaFile: provider.tls.caPath })
  const saved = await engine.call('oauth.account.save', {
    account: {
      id: ID,
      provider: 'custom',
      address: 'alice@example.test',
      clientId: TEST_CLIENT,
      issuer: provider.issuer,
      scopes: [...TEST_SCOPES],
    },
  })
  expect(saved).toMatchObject({ ok: true, value: { state: 'signed-out', signedIn: false } })
}, 30_000)

afterAll(async () => {
  await engine?.call('oauth.account.delete', { id: ID })
  await engine?.dispose()
  await provider?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('OAuth against oidc-provider', () => {
  it('runs inside the keychain session', () => {
    expect(process.env.MAILWARDEN_KEYRING_SESSION, 'run under scripts/keyring-session.sh').toBe('1')
  })

  it('signs in with the browser flow (PKCE, loopback redirect) and keeps the refresh token in the keychain only', async () => {
    let page: Promise<string> | undefined
    let opened = ''
    const state = await engine.context.oauth.authorize(ID, 'browser', {
      onUrl: (url) => {
        opened = url
        page = fakeUser(provider.tls.caPem).visit(url)
      },
      onDeviceCode: () => {
        throw new Error('no device code in the browser flow')
      },
      browserTimeoutMs: 10_000,
    })
    const url = new URL(opened)
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{20,}$/)
    expect(await page).toContain('You can close this tab')
    expect(state).toMatchObject({ state: 'signed-in', signedIn: true, lastError: null })
    expect(Date.parse(state.nextRefreshAt ?? '')).toBe(Date.parse(state.accessTokenExpiresAt ?? '') - 60_000)

    const refresh = keyringLookup(refreshTokenEntry(ID))
    expect(refresh.length).toBeGreaterThan(20)
    expect(keyringLookup(clientSecretEntry(ID))).toBe('')
    const source = await engine.context.oauth.tokenSource(ID)
    expect(source.address).toBe('alice@example.test')
    const token = await source.accessToken()
    expect(await introspected(token)).toMatchObject({
      active: true,
      sub: 'alice@example.test',
      client_id: TEST_CLIENT,
    })
    // The settings file holds the account, never a token.
    const { settings } = await engine.settings.load()
    expect(JSON.stringify(settings)).not.toContain(refresh)
    expect(JSON.stringify(settings)).not.toContain(token)
  })

  it('refreshes on force, stores the rotated refresh token, and the old one is dead', async () => {
    const source = await engine.context.oauth.tokenSource(ID)
    const before = await source.accessToken()
    const oldRefresh = keyringLookup(refreshTokenEntry(ID))
    // Three callers at once: one refresh.
    const [a, b, c] = await Promise.all([
      source.accessToken({ force: true }),
      source.accessToken({ force: true }),
      source.accessToken({ force: true }),
    ])
    tokens.push(before, a)
    expect(a).not.toBe(before)
    expect(b).toBe(a)
    expect(c).toBe(a)
    const newRefresh = keyringLookup(refreshTokenEntry(ID))
    expect(newRefresh).not.toBe(oldRefresh)
    expect(await introspect(oldRefresh)).toMatchObject({ active: false })
    expect(await introspect(newRefresh)).toMatchObject({ active: true })
    // A valid token with more than a minute left is served from memory.
    expect(await source.accessToken()).toBe(a)
  })

  it('refreshes a token with less than a minute left before handing it out', async () => {
    provider.accessTtl.seconds = 30
    try {
      const source = await engine.context.oauth.tokenSource(ID)
      const first = await source.accessToken({ force: true })
      const second = await source.accessToken()
      expect(second).not.toBe(first)
      expect(await introspected(second)).toMatchObject({ active: true })
    } finally {
      provider.accessTtl.seconds = 600
    }
  })

  it('signs in with the device flow (user code, verification URI, polling)', async () => {
    const codes: string[] = []
    let approved: Promise<string> | undefined
    const state = await engine.context.oauth.authorize(ID, 'device', {
      onUrl: () => {
        throw new Error('no browser in the device flow')
      },
      onDeviceCode: (code) => {
        codes.push(code.userCode)
        expect(code.verificationUri).toBe(`${provider.issuer}/device`)
        expect(code.expiresAt).toBeGreaterThan(Date.now())
        approved = fakeUser(provider.tls.caPem).visit(code.verificationUri, { user_code: code.userCode })
      },
    })
    await approved
    expect(codes).toHaveLength(1)
    expect(state).toMatchObject({ state: 'signed-in' })
    const token = await (await engine.context.oauth.tokenSource(ID)).accessToken()
    expect(await introspected(token)).toMatchObject({ active: true, sub: 'alice@example.test' })
  }, 40_000)

  it('stops polling when the device sign-in is cancelled', async () => {
    const controller = new AbortController()
    const started = Date.now()
    const outcome = engine.context.oauth.authorize(ID, 'device', {
      signal: controller.signal,
      onUrl: () => {},
      onDeviceCode: () => {
        setTimeout(() => controller.abort(), 50)
      },
    })
    await expect(outcome).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(3000)
    // The earlier sign-in still stands.
    expect(await engine.context.oauth.state(ID)).toMatchObject({ state: 'signed-in' })
  })

  it('turns a refused refresh token (invalid_grant) into needs-authorization', async () => {
    const source = await engine.context.oauth.tokenSource(ID)
    const refresh = keyringLookup(refreshTokenEntry(ID))
    await providerPost('/token/revocation', { token: refresh, client_id: TEST_CLIENT })
    const error = await source.accessToken({ force: true }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OAuthError)
    expect(error).toMatchObject({ id: 'needs-authorization', providerCode: 'invalid_grant' })
    expect((error as Error).message).not.toContain(refresh)
    const state = await engine.context.oauth.state(ID)
    expect(state).toMatchObject({
      state: 'needs-authorization',
      signedIn: false,
      accessTokenExpiresAt: null,
      lastError: { id: 'needs-authorization', providerCode: 'invalid_grant' },
    })
    // The refused token left the keychain: another process (or the app restarted) does not call
    // the account signed in.
    expect(keyringLookup(refreshTokenEntry(ID))).toBe('')
  })

  it('signs out: revokes at the provider (RFC 7009) and deletes the keychain entry', async () => {
    let page: Promise<string> | undefined
    await engine.context.oauth.authorize(ID, 'browser', {
      onUrl: (url) => {
        page = fakeUser(provider.tls.caPem).visit(url)
      },
      onDeviceCode: () => {},
      browserTimeoutMs: 10_000,
    })
    await page
    const refresh = keyringLookup(refreshTokenEntry(ID))
    expect(await introspect(refresh)).toMatchObject({ active: true })
    const answer = await engine.call('oauth.logout', { id: ID })
    expect(answer).toMatchObject({
      ok: true,
      value: { revocation: 'revoked', state: { state: 'signed-out' } },
    })
    expect(await introspect(refresh)).toMatchObject({ active: false })
    expect(keyringLookup(refreshTokenEntry(ID))).toBe('')
    const source = await engine.context.oauth.tokenSource(ID)
    await expect(source.accessToken()).rejects.toMatchObject({ id: 'needs-authorization' })
  })

  it('runs oauth.authorize through the contract: progress with the URL, one finished event', async () => {
    const events: unknown[] = []
    let visit: Promise<string> | undefined
    const offProgress = engine.on('oauth.authorize.progress', (e) => {
      events.push(e)
      if (e.progress.phase === 'open-browser') visit = fakeUser(provider.tls.caPem).visit(e.progress.url)
    })
    const finished = new Promise<unknown>((resolve) => {
      const off = engine.on('oauth.authorize.finished', (e) => {
        off()
        resolve(e)
      })
    })
    try {
      const started = await engine.call('oauth.authorize', { accountId: ID, flow: 'browser' })
      expect(started).toMatchObject({ ok: true, value: { runId: expect.stringMatching(/^run-/) } })
      expect(await finished).toMatchObject({ outcome: { status: 'done', result: { state: 'signed-in' } } })
      expect(await visit).toContain('You can close this tab')
      expect(events).toHaveLength(1)
    } finally {
      offProgress()
    }
    const listed = await engine.call('oauth.accounts', {})
    expect(listed).toMatchObject({
      ok: true,
      value: { accounts: [{ state: 'signed-in', hasClientSecret: false }] },
    })
    const providers = await engine.call('oauth.providers', {})
    expect(providers.ok).toBe(true)
    // An unknown account is refused before a run starts.
    expect(await engine.call('oauth.authorize', { accountId: 'nobody', flow: 'device' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
  })

  it('never put a token into an event or a log line', async () => {
    const emitted = seen.join('\n')
    expect(seen.length).toBeGreaterThan(5)
    expect(tokens.length).toBeGreaterThan(8)
    for (const token of tokens) expect(emitted).not.toContain(token)
  })

  it('refuses an unknown account with needs-authorization', async () => {
    await expect(engine.context.oauth.tokenSource('nobody')).rejects.toMatchObject({
      id: 'needs-authorization',
    })
  })
})
