// The tunnel job through the engine's contract, as the UI uses it: create (saved in settings),
// start, use with curl, counters and the connection log (AUTH redacted), events, inspect a
// self-signed server and pin it, update, stop, delete; dispose closes everything.
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../core/engine.js'
import { spkiSha256 } from '../../core/net/certificate.js'
import type { ConnectionRecord, TunnelInspectResult, TunnelState } from '../../shared/contract/tunnel.js'
import { getLab } from '../lab/lab.js'
import { run } from './helpers.js'

const lab = getLab()
let dir: string
let engine: Engine

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mw-tunnel-handlers-'))
  engine = createEngine({ configDir: dir, shell: 'cli' })
  await engine.call('settings.update', { dnsServer: lab.dns.server })
})
afterAll(async () => {
  await engine.dispose()
  rmSync(dir, { recursive: true, force: true })
})

async function call<T>(op: string, payload: unknown): Promise<T> {
  const result = await engine.call(op, payload)
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code })
  return result.value as T
}

describe('tunnel operations', () => {
  it('create, start, use, log, stats, stop, delete', async () => {
    const statuses: TunnelState[] = []
    const connections: ConnectionRecord[] = []
    engine.on('tunnel.status', (s) => statuses.push(s))
    engine.on('tunnel.connection', (r) => connections.push(r))
    const created = await call<TunnelState>('tunnel.create', {
      name: 'Dovecot IMAP',
      listenPort: 0,
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 143,
      mode: 'starttls',
      protocol: 'imap',
      caFile: lab.caPath,
    })
    expect(created).toMatchObject({
      status: 'stopped',
      config: { listenHost: '127.0.0.1', idleTimeoutMinutes: 30 },
    })
    const id = created.config.id
    const saved = await call<{ settings: { tunnels: { id: string }[] } }>('settings.get', {})
    expect(saved.settings.tunnels.map((t) => t.id)).toEqual([id])

    const started = await call<TunnelState>('tunnel.start', { id })
    expect(started.status).toBe('listening')
    expect(started.check).toMatchObject({ state: 'verified', reason: null })
    const port = started.listening?.port
    const curl = await run('curl', [
      '-sS',
      '--max-time',
      '10',
      '-u',
      `${lab.user.login}:${lab.user.password}`,
      `imap://127.0.0.1:${port}/INBOX;UID=1`,
    ])
    expect(curl.stdout).toContain('Subject: Welcome to the lab')
    for (let i = 0; i < 100 && connections.length === 0; i++) await new Promise((r) => setTimeout(r, 50))
    const { records } = await call<{ records: ConnectionRecord[] }>('tunnel.log', { id })
    expect(records).toHaveLength(1)
    expect(records[0]?.commands).toContain('A002 AUTHENTICATE PLAIN [redacted]')
    expect(JSON.stringify(records)).not.toContain(lab.user.password)
    const { tunnels } = await call<{ tunnels: TunnelState[] }>('tunnel.list', {})
    expect(tunnels[0]?.stats).toMatchObject({ total: 1, failed: 0 })
    expect(tunnels[0]?.stats.bytesToClients).toBeGreaterThan(500)

    // A second start is harmless; a second tunnel on the same port is a conflict.
    expect((await call<TunnelState>('tunnel.start', { id })).listening?.port).toBe(port)
    // A second tunnel on the same port is refused when it is created, not first at Start: the same
    // host, or one that overlaps it (0.0.0.0 takes 127.0.0.1 too), with one sentence.
    const clash = {
      name: 'clash',
      listenPort: port,
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
    }
    await expect(call('tunnel.create', clash)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/already used by the tunnel “Dovecot IMAP”/),
    })
    await expect(
      call('tunnel.create', {
        ...clash,
        listenHost: '0.0.0.0',
        allowLan: true,
        allowedClients: ['10.0.0.1'],
      }),
    ).rejects.toMatchObject({ code: 'conflict' })
    expect((await call<{ tunnels: TunnelState[] }>('tunnel.list', {})).tunnels).toHaveLength(1)

    const stopped = await call<TunnelState>('tunnel.stop', { id })
    expect(stopped).toMatchObject({ status: 'stopped', listening: null, check: null })
    // A port another program holds is refused at creation too.
    const holder = net.createServer()
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()))
    const held = (holder.address() as net.AddressInfo).port
    await expect(call('tunnel.create', { ...clash, listenPort: held })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/in use by another program/),
    })
    await new Promise((r) => holder.close(r))
    // A stopped tunnel's saved port is its own: another tunnel cannot take it either.
    const fixed = await call<TunnelState>('tunnel.create', { ...clash, name: 'fixed', listenPort: held })
    await expect(call('tunnel.create', { ...clash, listenPort: held })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/already used by the tunnel “fixed”/),
    })
    await call('tunnel.delete', { id: fixed.config.id })
    // Started: one status when it listens (its server being checked), one with the check's result.
    expect(statuses.map((s) => [s.status, s.check?.state ?? null])).toEqual([
      ['stopped', null],
      ['listening', 'checking'],
      ['listening', 'verified'],
      ['stopped', null],
      ['stopped', null],
    ])
    expect(await call('tunnel.delete', { id })).toEqual({ id, deleted: true })
    expect(await call('tunnel.delete', { id })).toEqual({ id, deleted: false })
    await expect(call('tunnel.start', { id })).rejects.toMatchObject({ code: 'not-found' })
  })

  it('inspect offers the pin of a self-signed server; the pinned tunnel works', async () => {
    const inspected = await call<TunnelInspectResult>('tunnel.inspect', {
      host: lab.flawed.selfSigned.host,
      port: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
    })
    expect(inspected).toMatchObject({ verified: false, verifyError: expect.stringMatching(/self-signed/) })
    expect(inspected.pin).toMatch(/^sha256\//)
    const created = await call<TunnelState>('tunnel.create', {
      name: 'Self-signed',
      listenPort: 0,
      upstreamHost: lab.flawed.selfSigned.host,
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
      pin: inspected.pin,
      autoStart: true,
    })
    expect(created.status).toBe('listening')
    const curl = await run('curl', [
      '-sS',
      '--max-time',
      '10',
      '-u',
      `${lab.user.login}:${lab.user.password}`,
      `imap://127.0.0.1:${created.listening?.port}/INBOX;UID=1`,
    ])
    expect(curl.stdout).toContain('Subject: Welcome to the lab')
    // An update that breaks the contract is refused; a good one restarts the running tunnel.
    await expect(
      call('tunnel.update', { id: created.config.id, patch: { listenHost: '0.0.0.0' } }),
    ).rejects.toMatchObject({
      code: 'invalid-request',
    })
    const updated = await call<TunnelState>('tunnel.update', {
      id: created.config.id,
      patch: { name: 'Renamed' },
    })
    expect(updated).toMatchObject({ status: 'listening', config: { name: 'Renamed' } })
  })

  it('checks the server once at start: a flawed one is listening but not verified, with the reason', async () => {
    const base = { listenPort: 0, protocol: 'imap', autoStart: true } as const
    const cases = [
      [
        { upstreamHost: lab.good.dovecot.host, upstreamPort: 993, mode: 'implicit-tls', caFile: lab.caPath },
        'verified',
        null,
      ],
      [
        { upstreamHost: lab.flawed.selfSigned.host, upstreamPort: 993, mode: 'implicit-tls' },
        'cannot-verify',
        'self-signed',
      ],
      [
        { upstreamHost: lab.flawed.selfSigned.host, upstreamPort: 143, mode: 'starttls' },
        'cannot-verify',
        'self-signed',
      ],
      [
        {
          upstreamHost: lab.flawed.expired.host,
          upstreamPort: 995,
          mode: 'implicit-tls',
          protocol: 'pop3',
          caFile: lab.caPath,
        },
        'cannot-verify',
        'expired',
      ],
      [
        {
          upstreamHost: lab.flawed.wrongHost.host,
          upstreamPort: 993,
          mode: 'implicit-tls',
          caFile: lab.caPath,
        },
        'cannot-verify',
        'wrong-host',
      ],
      [
        { upstreamHost: lab.good.dovecot.host, upstreamPort: 993, mode: 'implicit-tls' },
        'cannot-verify',
        'untrusted-issuer',
      ],
      [
        { upstreamHost: lab.flawed.plaintext.host, upstreamPort: 143, mode: 'starttls', caFile: lab.caPath },
        'unreachable',
        'starttls-refused',
      ],
      [
        { upstreamHost: lab.good.dovecot.host, upstreamPort: 9, mode: 'implicit-tls' },
        'unreachable',
        'connect',
      ],
      [{ upstreamHost: 'nowhere.lab.test', upstreamPort: 993, mode: 'implicit-tls' }, 'unreachable', 'dns'],
    ] as const
    for (const [config, state, reason] of cases) {
      const created = await call<TunnelState>('tunnel.create', {
        ...base,
        name: `check ${reason}`,
        ...config,
      })
      // It listens (so it can be fixed) and says at once what it found.
      expect(created, `${config.upstreamHost}:${config.upstreamPort}`).toMatchObject({
        status: 'listening',
        check: { state, reason },
      })
      if (state === 'cannot-verify') expect(created.check?.certificate?.spkiSha256).toMatch(/^sha256\//)
      else expect(created.check?.detail ?? null).toEqual(state === 'verified' ? null : expect.any(String))
      await call('tunnel.delete', { id: created.config.id })
    }
  })

  it('pinning the key the check saw verifies the running tunnel at once', async () => {
    const created = await call<TunnelState>('tunnel.create', {
      name: 'Pin later',
      listenPort: 0,
      upstreamHost: lab.flawed.selfSigned.host,
      upstreamPort: 995,
      mode: 'implicit-tls',
      protocol: 'pop3',
      autoStart: true,
    })
    expect(created.check).toMatchObject({ state: 'cannot-verify', reason: 'self-signed' })
    const pin = created.check?.certificate?.spkiSha256
    const pinned = await call<TunnelState>('tunnel.update', { id: created.config.id, patch: { pin } })
    expect(pinned).toMatchObject({ status: 'listening', config: { pin }, check: { state: 'verified' } })
    await call('tunnel.delete', { id: created.config.id })
  })

  it('a server that closes right after its greeting is not verified, and its sessions are not ok', async () => {
    const certs = path.join(lab.stateDir, 'certs')
    const sockets = new Set<tls.TLSSocket>()
    const server = tls.createServer(
      {
        cert: readFileSync(path.join(certs, 'dovecot.pem')),
        key: readFileSync(path.join(certs, 'dovecot.key')),
      },
      (socket) => {
        sockets.add(socket)
        socket.on('error', () => {})
        socket.end('* OK ready\r\n')
      },
    )
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    const pin = spkiSha256(new X509Certificate(readFileSync(path.join(certs, 'dovecot.pem'))))
    try {
      const created = await call<TunnelState>('tunnel.create', {
        name: 'Closes',
        listenPort: 0,
        upstreamHost: '127.0.0.1',
        upstreamPort: (server.address() as net.AddressInfo).port,
        mode: 'implicit-tls',
        protocol: 'imap',
        pin,
        autoStart: true,
      })
      expect(created.check).toMatchObject({ state: 'unreachable', reason: 'closed' })
      const records: ConnectionRecord[] = []
      const got = new Promise<void>((resolve) =>
        engine.on('tunnel.connection', (r) => {
          records.push(r)
          resolve()
        }),
      )
      const curl = await run('curl', [
        '-sS',
        '--max-time',
        '5',
        `imap://127.0.0.1:${created.listening?.port}/`,
      ])
      expect(curl.code).not.toBe(0)
      await got
      expect(records[0]).toMatchObject({
        outcome: 'failed',
        error: expect.stringMatching(/right after its greeting/),
      })
      // A session that failed is no proof the server works: the card still says it is not usable.
      const { tunnels } = await call<{ tunnels: TunnelState[] }>('tunnel.list', {})
      expect(tunnels.find((t) => t.config.id === created.config.id)?.check?.state).toBe('unreachable')
      await call('tunnel.delete', { id: created.config.id })
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((r) => server.close(r))
    }
  })
})
