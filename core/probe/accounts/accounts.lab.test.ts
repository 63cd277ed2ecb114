// Saved accounts against the real lab: test login over TLS only (Dovecot, Perdition, Exim), pins
// for a self-signed certificate, re-check call-outs, and the Thunderbird import audit.
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { getLab } from '../../../e2e/lab/lab.js'
import type { SavedServer } from '../../../shared/contract/accounts.js'
import type { LoginResult, SaveServerInput } from '../../../shared/contract/probe-accounts.js'
import { createEngine, type Engine } from '../../engine.js'
import type { Keychain } from '../../keychain/keychain.js'

const lab = getLab()
let dir: string
let engine: Engine
const logLines: string[] = []

// The OS keychain is tested on its own (core/keychain); here a keychain in memory stands in for it
// so these lab tests run outside npm test's D-Bus session. It records what was stored.
const stored = new Map<string, string>()
const memoryKeychain: Keychain = {
  status: async () => ({ available: true, backend: 'memory (test)', reason: null }),
  set: async (account, secret) => void stored.set(account, secret),
  get: async (account) => stored.get(account) ?? null,
  delete: async (account) => stored.delete(account),
  list: async () => [...stored.keys()],
}

async function call<T>(op: string, payload: unknown): Promise<T> {
  const result = await engine.call(op, payload)
  if (!result.ok) throw new Error(`${op}: ${result.error.message}`)
  return result.value as T
}

function server(
  over: Partial<z.input<typeof SaveServerInput>> &
    Pick<SavedServer, 'protocol' | 'host' | 'port' | 'security'>,
) {
  return { fingerprintSha256: null, pinnedFingerprintSha256: null, ...over }
}

async function save(servers: ReturnType<typeof server>[], extra: Record<string, unknown> = {}) {
  const { account } = await call<{ account: { id: string } }>('accounts.save', {
    label: 'Alice in the lab',
    target: lab.user.address,
    client: 'thunderbird',
    username: lab.user.login,
    servers,
    ...extra,
  })
  return account.id
}

async function login(id: string, password?: string): Promise<LoginResult[]> {
  const { results } = await call<{ results: LoginResult[] }>('accounts.testLogin', {
    id,
    ...(password ? { password } : {}),
    timeoutMs: 4000,
  })
  return results
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-accounts-'))
  engine = createEngine({ configDir: dir, shell: 'cli', keychain: memoryKeychain })
  engine.on('log', (line) => logLines.push(line.message))
  await call('settings.update', { dnsServer: lab.dns.server, extraCaFile: lab.caPath })
})
afterAll(async () => {
  await engine.dispose()
  await rm(dir, { recursive: true, force: true })
})

describe('test login (over TLS only)', () => {
  it('logs in to Dovecot, Perdition and Exim with the password from the keychain, and says which mechanisms worked', async () => {
    const id = await save(
      [
        server({ protocol: 'imap', host: lab.good.dovecot.host, port: 993, security: 'implicit-tls' }),
        server({ protocol: 'pop3', host: lab.good.dovecot.host, port: 110, security: 'starttls' }),
        server({ protocol: 'imap', host: lab.good.perdition.host, port: 143, security: 'starttls' }),
        server({ protocol: 'smtp', host: lab.good.exim.host, port: 587, security: 'starttls' }),
        server({ protocol: 'smtp', host: lab.good.exim.host, port: 465, security: 'implicit-tls' }),
      ],
      { password: lab.user.password },
    )
    expect(stored.get(`account:${id}`)).toBe(lab.user.password)
    const [imaps, pop3, perdition, submission, submissions] = await login(id)
    expect(imaps).toMatchObject({ status: 'ok', trustedBy: 'ca', tlsVersion: 'TLSv1.3' })
    expect(imaps?.mechanisms.map((m) => [m.mechanism, m.outcome])).toEqual([
      ['AUTHENTICATE PLAIN', 'accepted'],
      ['AUTHENTICATE LOGIN', 'accepted'],
      ['LOGIN', 'accepted'],
    ])
    expect(pop3?.mechanisms.map((m) => [m.mechanism, m.outcome])).toEqual([
      ['AUTH PLAIN', 'accepted'],
      ['AUTH LOGIN', 'accepted'],
      ['USER/PASS', 'accepted'],
    ])
    // Perdition offers only the LOGIN command after STARTTLS.
    expect(perdition).toMatchObject({ status: 'ok', security: 'starttls' })
    expect(perdition?.mechanisms.map((m) => m.mechanism)).toEqual(['LOGIN'])
    for (const smtp of [submission, submissions]) {
      expect(smtp?.status).toBe('ok')
      expect(smtp?.mechanisms.map((m) => [m.mechanism, m.outcome])).toEqual([
        ['AUTH PLAIN', 'accepted'],
        ['AUTH LOGIN', 'accepted'],
      ])
    }
  })

  it('sends no password to a self-signed certificate unless the user pinned exactly that one', async () => {
    const host = lab.flawed.selfSigned.host
    const pem = readFileSync(path.join(lab.stateDir, 'certs', 'selfsigned.pem'), 'utf8')
    const fingerprint = new X509Certificate(pem).fingerprint256
    const unpinned = await save([server({ protocol: 'imap', host, port: 993, security: 'implicit-tls' })])
    const [refused] = await login(unpinned, lab.user.password)
    expect(refused).toMatchObject({ status: 'error', mechanisms: [] })
    expect(refused?.message).toMatch(/not trusted.*no password was sent/)

    const wrongPin = await save([
      server({
        protocol: 'imap',
        host,
        port: 993,
        security: 'implicit-tls',
        pinnedFingerprintSha256: `00${fingerprint.slice(2)}`,
      }),
    ])
    const [mismatch] = await login(wrongPin, lab.user.password)
    expect(mismatch?.message).toMatch(/not the one you pinned.*no password was sent/)

    const pinned = await save([
      server({
        protocol: 'imap',
        host,
        port: 143,
        security: 'starttls',
        pinnedFingerprintSha256: fingerprint,
      }),
    ])
    const [ok] = await login(pinned, lab.user.password)
    expect(ok).toMatchObject({ status: 'ok', trustedBy: 'pin', fingerprintSha256: fingerprint })
  })

  it('refuses a server saved as plaintext without connecting', async () => {
    const id = await save([
      server({ protocol: 'imap', host: lab.flawed.plaintext.host, port: 143, security: 'plaintext' }),
    ])
    const [result] = await login(id, lab.user.password)
    expect(result).toMatchObject({ status: 'refused', mechanisms: [] })
    expect(result?.message).toMatch(/never sends a password without TLS/)
  })

  it('reports a wrong password as rejected, never as an error', async () => {
    const id = await save([
      server({ protocol: 'pop3', host: lab.good.dovecot.host, port: 995, security: 'implicit-tls' }),
    ])
    const [result] = await login(id, 'not-the-password')
    expect(result?.status).toBe('failed')
    // After the first refusal it stops: more tries would only earn an authentication penalty.
    expect(result?.mechanisms.map((m) => [m.mechanism, m.outcome])).toEqual([
      ['AUTH PLAIN', 'rejected'],
      ['AUTH LOGIN', 'not-tried'],
      ['USER/PASS', 'not-tried'],
    ])
  })

  it('never puts the password in a log line or a response', async () => {
    const b64 = Buffer.from(lab.user.password).toString('base64')
    expect(logLines.some((l) => l.includes('Test login to'))).toBe(true)
    expect(logLines.join('\n')).not.toContain(lab.user.password)
    expect(logLines.join('\n')).not.toContain(b64)
    const { accounts } = await call<{ accounts: unknown[] }>('accounts.list', {})
    expect(JSON.stringify(accounts)).not.toContain(lab.user.password)
  })
})

describe('saving and deleting', () => {
  it('replaces an account in place, keeps its password, and deletes it with its keychain entry', async () => {
    const servers = [
      server({ protocol: 'imap', host: lab.good.dovecot.host, port: 993, security: 'implicit-tls' }),
    ]
    const id = await save(servers, { password: 'first-secret' })
    const { account } = await call<{ account: { id: string; label: string; secretAccount: string } }>(
      'accounts.save',
      {
        id,
        label: 'Renamed',
        target: lab.user.address,
        client: 'evolution',
        username: null,
        servers,
      },
    )
    expect(account).toMatchObject({ id, label: 'Renamed', secretAccount: `account:${id}` })
    expect(stored.get(`account:${id}`)).toBe('first-secret')
    expect(await call('accounts.delete', { id })).toEqual({ id, deleted: true, secretDeleted: true })
    expect(stored.has(`account:${id}`)).toBe(false)
    expect(await call('accounts.delete', { id })).toEqual({ id, deleted: false, secretDeleted: false })
    const missing = await engine.call('accounts.testLogin', { id })
    expect(missing.ok ? null : missing.error.code).toBe('not-found')
  })
})

describe('re-check', () => {
  it('calls out an expired certificate, a changed fingerprint and a newly failing check', async () => {
    const id = await save([
      server({ protocol: 'imap', host: lab.flawed.expired.host, port: 993, security: 'implicit-tls' }),
      server({
        protocol: 'imap',
        host: lab.good.dovecot.host,
        port: 993,
        security: 'implicit-tls',
        fingerprintSha256: 'AA:AA:AA',
      }),
    ])
    const pushed: { id: string; callouts: { kind: string; host: string }[] }[] = []
    const stop = engine.on('accounts.checked', (event) => pushed.push(event))
    const first = await call<{ accounts: { id: string; servers: { callouts: { kind: string }[] }[] }[] }>(
      'accounts.recheck',
      { ids: [id], timeoutMs: 3000 },
    )
    stop()
    const [expired, changed] = first.accounts[0]?.servers ?? []
    expect(expired?.callouts.map((c) => c.kind)).toEqual(['certificate-expiring'])
    expect(changed?.callouts.map((c) => c.kind)).toEqual(['certificate-changed'])
    // The desktop app hears of it too (and notifies the changed certificate).
    expect(pushed).toHaveLength(1)
    expect(pushed[0]?.id).toBe(id)
    expect(pushed[0]?.callouts.map((c) => `${c.kind} ${c.host}`)).toEqual([
      `certificate-expiring ${lab.flawed.expired.host}`,
      `certificate-changed ${lab.good.dovecot.host}`,
    ])

    // The re-check became the baseline: the same servers again raise only the expiry.
    const second = await call<typeof first>('accounts.recheck', { ids: [id], timeoutMs: 3000 })
    expect(second.accounts[0]?.servers.map((s) => s.callouts.map((c) => c.kind))).toEqual([
      ['certificate-expiring'],
      [],
    ])

    // A server that was good when saved and now fails: old TLS stands in for a broken upgrade.
    const { accounts } = await call<{ accounts: { id: string; servers: SavedServer[] }[] }>(
      'accounts.list',
      {},
    )
    const saved = accounts.find((a) => a.id === id)
    expect(saved?.servers[1]?.lastVerdict).toBe('good')
    const good = await save([
      server({ protocol: 'imap', host: lab.flawed.oldTls.host, port: 993, security: 'implicit-tls' }),
    ])
    const settings = await call<{ settings: { accounts: { id: string; servers: SavedServer[] }[] } }>(
      'settings.get',
      {},
    )
    const patched = settings.settings.accounts.map((a) =>
      a.id === good
        ? { ...a, servers: a.servers.map((s) => ({ ...s, lastVerdict: 'good', lastProblemIds: [] })) }
        : a,
    )
    await call('settings.update', { accounts: patched })
    const third = await call<typeof first>('accounts.recheck', { ids: [good], timeoutMs: 3000 })
    expect(third.accounts[0]?.servers[0]?.callouts.map((c) => c.kind)).toContain('newly-failing')
  })
})

describe('Thunderbird import', () => {
  it('reads prefs.js and audits each setting against a probe of the lab', async () => {
    const prefs = [
      'user_pref("mail.server.server1.type", "imap");',
      `user_pref("mail.server.server1.hostname", "${lab.good.dovecot.host}");`,
      'user_pref("mail.server.server1.port", 993);',
      'user_pref("mail.server.server1.socketType", 2);',
      'user_pref("mail.server.server2.type", "pop3");',
      `user_pref("mail.server.server2.hostname", "${lab.good.dovecot.host}");`,
      'user_pref("mail.server.server2.port", 995);',
      'user_pref("mail.server.server2.socketType", 3);',
      'user_pref("mail.smtpservers", "smtp1");',
      `user_pref("mail.smtpserver.smtp1.hostname", "${lab.good.exim.host}");`,
      'user_pref("mail.smtpserver.smtp1.port", 587);',
      'user_pref("mail.smtpserver.smtp1.try_ssl", 1);',
      'user_pref("mail.accountmanager.accounts", "account1,account2");',
      'user_pref("mail.account.account1.server", "server1");',
      'user_pref("mail.account.account2.server", "server2");',
    ].join('\n')
    const result = await call<{
      servers: { key: string; label: string }[]
      audit: {
        key: string
        status: string
        found: string
        problems: { id: string }[]
        advice: string | null
      }[]
    }>('accounts.importThunderbird', { prefs, timeoutMs: 3000 })
    expect(result.servers.map((s) => s.label).sort()).toEqual([
      'SSL/TLS',
      'STARTTLS',
      'STARTTLS, if available',
    ])
    const byKey = Object.fromEntries(result.audit.map((a) => [a.key, a]))
    expect(byKey.server1).toMatchObject({ status: 'bad', found: 'implicit-tls' })
    expect(byKey.server1?.problems.map((p) => p.id)).toContain('setting.starttls-on-implicit-port')
    expect(byKey.server1?.advice).toMatch(/"Connection security" to "SSL\/TLS"/)
    expect(byKey.server2).toMatchObject({ status: 'good', problems: [], advice: null })
    expect(byKey.smtp1).toMatchObject({ status: 'warn', found: 'starttls' })
    expect(byKey.smtp1?.problems.map((p) => p.id)).toContain('setting.downgradable')
  })

  it('says in one sentence when the text is not a prefs.js it can read', async () => {
    const result = await engine.call('accounts.importThunderbird', { prefs: 'x'.repeat(5 * 1024 * 1024) })
    expect(result.ok).toBe(false)
  })
})
