// probe.start as a long run through the real engine, against stalling servers on 127.0.0.1: a run
// cancelled mid-way ends `cancelled` and closes every socket at once, long before its timeout;
// a finished run's result and progress pass the contract's schemas.
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventPayload } from '../../shared/contract/index.js'
import { createEngine, type Engine } from '../engine.js'

let dir: string
let engine: Engine
const servers: net.Server[] = []
const open = new Set<net.Socket>()

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mw-probe-run-'))
  engine = createEngine({ configDir: dir, shell: 'cli' })
})

afterEach(async () => {
  await engine.dispose()
  for (const s of open) s.destroy()
  open.clear()
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
  rmSync(dir, { recursive: true, force: true })
})

async function serve(onConnect: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    open.add(socket)
    socket.on('close', () => open.delete(socket))
    socket.on('error', () => {})
    onConnect(socket)
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as net.AddressInfo).port
}

function finished(runId: string): Promise<EventPayload<'probe.finished'>> {
  return new Promise((resolve) => {
    const off = engine.on('probe.finished', (event) => {
      if (event.runId !== runId) return
      off()
      resolve(event)
    })
  })
}

async function start(request: unknown): Promise<string> {
  const reply = await engine.call('probe.start', request)
  if (!reply.ok) throw new Error(JSON.stringify(reply))
  return (reply.value as { runId: string }).runId
}

describe('probe.start', () => {
  it('cancelled mid-way: ends cancelled and closes every socket at once', async () => {
    // Three servers that accept and never say a word: the probe sits waiting on all of them.
    const ports = await Promise.all([1, 2, 3].map(() => serve(() => {})))
    const connected = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (open.size >= 3) {
          clearInterval(timer)
          resolve()
        }
      }, 10)
    })
    const runId = await start({
      targets: [],
      servers: ports.map((port) => ({ protocol: 'imap', host: '127.0.0.1', port, security: 'STARTTLS' })),
      timeoutMs: 20_000,
    })
    const outcome = finished(runId)
    await connected
    const cancelledAt = performance.now()
    const reply = await engine.call('runs.cancel', { runId })
    expect(reply).toMatchObject({ ok: true, value: { runId, cancelled: true } })
    expect((await outcome).outcome).toEqual({ status: 'cancelled' })
    const deadline = Date.now() + 2_000
    while (open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    expect(open.size).toBe(0)
    // Far below the 20 s the servers would otherwise have been given.
    expect(performance.now() - cancelledAt).toBeLessThan(3_000)
  })

  it('a finished run reports progress per endpoint and a schema-valid result', async () => {
    const port = await serve((socket) => {
      socket.write('* OK [CAPABILITY IMAP4rev1 STARTTLS] but no\r\n')
      socket.on('data', (chunk) => {
        const [tag, command] = chunk.toString('latin1').trim().split(' ')
        if (command?.toUpperCase() === 'CAPABILITY')
          socket.write(`* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n${tag} OK done\r\n`)
        else if (command?.toUpperCase() === 'STARTTLS') socket.write(`${tag} NO not today\r\n`)
        else socket.end()
      })
    })
    const stages: string[] = []
    engine.on('probe.progress', (event) => stages.push(event.progress.stage))
    const runId = await start({
      targets: [],
      servers: [{ protocol: 'imap', host: '127.0.0.1', port, security: 'STARTTLS' }],
      timeoutMs: 1_000,
    })
    const event = await finished(runId)
    expect(event.outcome.status).toBe('done')
    if (event.outcome.status !== 'done') return
    const report = event.outcome.result
    expect(report.endpoints).toHaveLength(1)
    expect(report.endpoints[0]).toMatchObject({ port, security: 'plaintext', verdict: 'bad' })
    expect(report.endpoints[0]?.findings.map((f) => f.id)).toContain('starttls-refused')
    expect(stages).toEqual(['discovered', 'connecting', 'done'])
  })

  it('a CA file that does not exist is a clear failure, not a crash', async () => {
    const runId = await start({
      targets: [],
      servers: [{ protocol: 'imap', host: '127.0.0.1', port: 1, security: 'SSL/TLS' }],
      caFile: path.join(dir, 'missing.pem'),
    })
    const event = await finished(runId)
    expect(event.outcome).toMatchObject({ status: 'failed', error: { code: 'invalid-request' } })
    if (event.outcome.status === 'failed') expect(event.outcome.error.message).toContain('missing.pem')
  })
})
