// The tunnel job through the engine's contract, as the UI uses it: create (saved in settings),
// start, use with curl, counters and the connection log (AUTH redacted), events, inspect a
// self-signed server and pin it, update, stop, delete; dispose closes everything.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../core/engine.js'
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
    const other = await call<TunnelState>('tunnel.create', {
      name: 'clash',
      listenPort: port,
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 993,
      mode: 'implicit',
      protocol: 'imap',
    })
    await expect(call('tunnel.start', { id: other.config.id })).rejects.toMatchObject({ code: 'conflict' })
    expect((await call<{ tunnels: TunnelState[] }>('tunnel.list', {})).tunnels[1]).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/already in use/),
    })

    const stopped = await call<TunnelState>('tunnel.stop', { id })
    expect(stopped).toMatchObject({ status: 'stopped', listening: null })
    expect(statuses.map((s) => s.status)).toEqual(['stopped', 'listening', 'stopped', 'failed', 'stopped'])
    expect(await call('tunnel.delete', { id })).toEqual({ id, deleted: true })
    expect(await call('tunnel.delete', { id })).toEqual({ id, deleted: false })
    await expect(call('tunnel.start', { id })).rejects.toMatchObject({ code: 'not-found' })
  })

  it('inspect offers the pin of a self-signed server; the pinned tunnel works', async () => {
    const inspected = await call<TunnelInspectResult>('tunnel.inspect', {
      host: lab.flawed.selfSigned.host,
      port: 993,
      mode: 'implicit',
      protocol: 'imap',
    })
    expect(inspected).toMatchObject({ verified: false, verifyError: expect.stringMatching(/self-signed/) })
    expect(inspected.pin).toMatch(/^sha256\//)
    const created = await call<TunnelState>('tunnel.create', {
      name: 'Self-signed',
      listenPort: 0,
      upstreamHost: lab.flawed.selfSigned.host,
      upstreamPort: 993,
      mode: 'implicit',
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
})
