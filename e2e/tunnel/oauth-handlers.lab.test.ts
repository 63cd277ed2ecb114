// An OAuth tunnel through the engine's contract, as the UI and the CLI use it: created with an
// account, its local password set (keychain only, never returned), its OAuth state in the tunnel's
// state and in tunnel.status events when a sign-in is needed, the password deleted with the tunnel.
// The token source is a fake passed as the engine's option (core/oauth provides the real one); the
// server is our own OAuth-only one (oauth-upstream.ts) on the lab Dovecot's address.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { EngineError } from '../../core/api/errors.js'
import { createEngine, type Engine } from '../../core/engine.js'
import type { TunnelState } from '../../shared/contract/tunnel.js'
import { getLab } from '../lab/lab.js'
import { Conversation } from './conversation.js'
import { FakeTokens } from './fake-tokens.js'
import { run } from './helpers.js'
import { type OAuthUpstream, startOAuthUpstream } from './oauth-upstream.js'

const lab = getLab()
const tokens = new FakeTokens('alice@lab.test', ['tok1'])
let dir: string
let engine: Engine
let upstream: OAuthUpstream

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mw-oauth-tunnel-'))
  engine = createEngine({
    configDir: dir,
    shell: 'cli',
    tokenSourceFor: (accountId) => {
      if (accountId !== 'lab') throw new EngineError('not-found', `There is no OAuth account "${accountId}".`)
      return tokens
    },
  })
  await engine.call('settings.update', { dnsServer: lab.dns.server })
  upstream = await startOAuthUpstream({
    protocol: 'imap',
    mode: 'implicit-tls',
    certDir: path.join(lab.stateDir, 'certs'),
    host: lab.good.dovecot.address,
  })
  upstream.valid.add('tok1')
})
afterAll(async () => {
  await engine.dispose()
  await upstream.close()
  rmSync(dir, { recursive: true, force: true })
})

async function call<T>(op: string, payload: unknown): Promise<T> {
  const result = await engine.call(op, payload)
  if (!result.ok) throw new Error(`${op}: ${result.error.message}`)
  return result.value as T
}

describe('an OAuth tunnel through the engine', () => {
  it('local password in the keychain only; state and events follow the sign-in', async () => {
    const statuses: TunnelState[] = []
    engine.on('tunnel.status', (s) => statuses.push(s))
    const created = await call<TunnelState>('tunnel.create', {
      name: 'OAuth IMAP',
      listenPort: 0,
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: upstream.port,
      mode: 'implicit-tls',
      protocol: 'imap',
      caFile: lab.caPath,
      oauth: { accountId: 'lab' },
    })
    const id = created.config.id
    expect(created.config.oauth).toEqual({ accountId: 'lab', mechanism: 'auto' })
    expect(created.oauth).toEqual({
      accountId: 'lab',
      address: 'alice@lab.test',
      state: 'ready',
      localPasswordSet: false,
      lastError: null,
    })
    const short = await engine.call('tunnel.setLocalPassword', { id, password: 'short' })
    expect(short.ok).toBe(false)
    const set = await call<TunnelState>('tunnel.setLocalPassword', { id, password: 'correct horse' })
    expect(set.oauth?.localPasswordSet).toBe(true)
    expect(JSON.stringify(set)).not.toContain('correct horse')
    // The OS keychain (the test runs in a private keyring session), not a stand-in.
    expect(await engine.context.keychain.get(`tunnel-password:${id}`)).toBe('correct horse')
    const settings = await call<unknown>('settings.get', {})
    expect(JSON.stringify(settings)).not.toContain('correct horse')

    const started = await call<TunnelState>('tunnel.start', { id })
    const port = started.listening?.port ?? 0
    const c = await Conversation.open(port)
    await c.wait(/^\* OK/)
    c.send('a1 LOGIN alice@lab.test "correct horse"')
    expect(await c.wait(/a1 /)).toMatch(/^a1 OK /)
    c.send('a2 LOGOUT')
    await c.closed()

    tokens.fail(
      'needs-authorization',
      'The provider refused the refresh token (invalid_grant).',
      'invalid_grant',
    )
    const d = await Conversation.open(port)
    await d.wait(/^\* OK/)
    d.send('b1 LOGIN alice@lab.test "correct horse"')
    expect(await d.wait(/b1 /)).toMatch(/^b1 NO \[AUTHENTICATIONFAILED\] .*sign in again in Mailwarden/)
    d.end()
    // The event is not ordered with the client's answer (two sockets): wait for it, bounded.
    await vi.waitFor(
      () => {
        const announced = statuses.find((s) => s.oauth?.state === 'needs-authorization')
        expect(announced?.oauth?.lastError).toMatch(/sign in again in Mailwarden/)
      },
      { timeout: 5_000 },
    )
    const listed = await call<{ tunnels: TunnelState[] }>('tunnel.list', {})
    expect(listed.tunnels[0]?.oauth?.state).toBe('needs-authorization')
    tokens.failure = null

    await call('tunnel.delete', { id })
    expect(await engine.context.keychain.get(`tunnel-password:${id}`)).toBeNull()
  })

  it("Python's smtplib through a local STARTTLS side: AUTH with the local password, a message accepted", async () => {
    const smtp = await startOAuthUpstream({
      protocol: 'smtp',
      mode: 'implicit-tls',
      certDir: path.join(lab.stateDir, 'certs'),
      host: lab.good.dovecot.address,
    })
    smtp.valid.add('tok1')
    try {
      const created = await call<TunnelState>('tunnel.create', {
        name: 'OAuth SMTP',
        listenPort: 0,
        upstreamHost: lab.good.dovecot.host,
        upstreamPort: smtp.port,
        mode: 'implicit-tls',
        protocol: 'smtp',
        caFile: lab.caPath,
        localTls: 'starttls',
        oauth: { accountId: 'lab', mechanism: 'xoauth2' },
      })
      const id = created.config.id
      await call('tunnel.setLocalPassword', { id, password: 'scanner pass' })
      const started = await call<TunnelState>('tunnel.start', { id })
      const caFile = path.join(dir, 'local.pem')
      writeFileSync(caFile, started.localCertificate?.pem ?? '')
      const script = [
        'import smtplib, ssl, sys',
        'port, ca, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]',
        'with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:',
        '    s.ehlo("scanner")',
        '    s.starttls(context=ssl.create_default_context(cafile=ca))',
        '    code, caps = s.ehlo("scanner")',
        '    print("AUTH", s.esmtp_features.get("auth"))',
        '    s.login(user, pw)',
        '    print("SENT", s.sendmail(user, [user], "Subject: scan\\r\\n\\r\\nhello\\r\\n"))',
      ].join('\n')
      const ran = await run('python3', [
        '-c',
        script,
        String(started.listening?.port),
        caFile,
        'alice@lab.test',
        'scanner pass',
      ])
      expect(ran.stderr).toBe('')
      expect(ran.stdout).toBe('AUTH  PLAIN LOGIN\nSENT {}\n')
      expect(smtp.lines).toContain(
        `AUTH XOAUTH2 ${Buffer.from('user=alice@lab.test\x01auth=Bearer tok1\x01\x01').toString('base64')}`,
      )
      expect(smtp.lines).toContain('EHLO scanner')
      await call('tunnel.delete', { id })
    } finally {
      await smtp.close()
    }
  })

  it('a tunnel whose account has no token source does not start, and says why', async () => {
    const created = await call<TunnelState>('tunnel.create', {
      name: 'Unknown account',
      listenPort: 0,
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: upstream.port,
      mode: 'implicit-tls',
      protocol: 'imap',
      oauth: { accountId: 'nobody' },
    })
    expect(created.oauth?.lastError).toMatch(/no OAuth account "nobody"/)
    const result = await engine.call('tunnel.start', { id: created.config.id })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.message).toMatch(/no OAuth account "nobody"/)
    const plain = await engine.call('tunnel.setLocalPassword', { id: 'no-such', password: 'whatever long' })
    expect(plain.ok).toBe(false)
  })
})
