// The web host against real sockets: what it serves, and every refusal the issue names, each
// with a clear error and the host still serving afterwards.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { WS_MAX_MESSAGE_BYTES, type WsServerMessage } from '../../shared/contract/index.js'
import { createEngine } from '../engine.js'
import { startWebHost, type WebHost } from './server.js'

let dir: string
let host: WebHost

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-webhost-'))
  const staticDir = path.join(dir, 'static')
  await import('node:fs/promises').then((fs) => fs.mkdir(staticDir))
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Mailwarden</title>')
  await writeFile(path.join(dir, 'secret.txt'), 'outside the static root')
  const engine = createEngine({ configDir: path.join(dir, 'config'), shell: 'web' })
  host = await startWebHost({ engine, staticDir })
})

afterEach(async () => {
  await host.close()
  await rm(dir, { recursive: true, force: true })
})

function get(pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>(
    (resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: host.port, path: pathname, headers }, (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (c: string) => {
          body += c
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
      })
      req.on('error', reject)
    },
  )
}

interface Opened {
  ws: WebSocket
  call(op: string, payload: unknown): Promise<WsServerMessage>
  next(): Promise<WsServerMessage>
}

function connect(
  options: { token?: string | null; host?: string; origin?: string | null } = {},
): Promise<Opened> {
  const token = options.token === undefined ? host.token : options.token
  const query = token === null ? '' : `?token=${token}`
  const origin = options.origin === undefined ? `http://127.0.0.1:${host.port}` : options.origin
  const headers: Record<string, string> = { Host: options.host ?? `127.0.0.1:${host.port}` }
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api${query}`, {
    headers,
    ...(origin === null ? {} : { origin }),
  })
  // Results are matched to their call by id; events and errors queue up for next().
  const queue: WsServerMessage[] = []
  const waiters: Array<(m: WsServerMessage) => void> = []
  const results = new Map<number, (m: WsServerMessage) => void>()
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as WsServerMessage
    if (message.type === 'result') {
      results.get(message.id)?.(message)
      return
    }
    const waiter = waiters.shift()
    if (waiter) waiter(message)
    else queue.push(message)
  })
  const next = () =>
    new Promise<WsServerMessage>((resolve) => {
      const queued = queue.shift()
      if (queued) resolve(queued)
      else waiters.push(resolve)
    })
  let id = 0
  const call = (op: string, payload: unknown) => {
    const callId = ++id
    const answered = new Promise<WsServerMessage>((resolve) => results.set(callId, resolve))
    ws.send(JSON.stringify({ type: 'call', id: callId, op, payload }))
    return answered
  }
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, call, next }))
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (c: Buffer) => {
        body += c.toString()
      })
      res.on('end', () => reject(Object.assign(new Error(body.trim()), { status: res.statusCode })))
    })
    ws.once('error', reject)
  })
}

async function expectStillServing() {
  const client = await connect()
  const answer = await client.call('app.info', {})
  expect(answer).toMatchObject({
    type: 'result',
    result: { ok: true, value: { name: 'Mailwarden', shell: 'web' } },
  })
  client.ws.close()
}

describe('web host', () => {
  it('listens on 127.0.0.1 only and prints a URL with the token in the fragment', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`)
  })

  it('serves the renderer with a strict CSP and no CORS headers', async () => {
    const page = await get('/', { Host: `127.0.0.1:${host.port}` })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>Mailwarden</title>')
    expect(page.headers['content-security-policy']).toContain("default-src 'self'")
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('does not serve files outside the renderer', async () => {
    const traversal = await get('/..%2fsecret.txt', { Host: `127.0.0.1:${host.port}` })
    expect(traversal.status).toBe(404)
    expect(traversal.body).not.toContain('outside the static root')
  })

  it('refuses a page request for a foreign Host header (DNS rebinding)', async () => {
    const page = await get('/', { Host: `evil.example:${host.port}` })
    expect(page.status).toBe(421)
    expect(page.body).toContain('answers only to 127.0.0.1')
    await expectStillServing()
  })

  it('answers operations for the right token, host and origin', async () => {
    const client = await connect({ host: `localhost:${host.port}`, origin: `http://localhost:${host.port}` })
    const answer = await client.call('settings.get', {})
    expect(answer).toMatchObject({ type: 'result', id: 1, result: { ok: true, value: { recovered: null } } })
    client.ws.close()
  })

  it('refuses a connection without a token', async () => {
    await expect(connect({ token: null })).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/token is missing/),
    })
    await expectStillServing()
  })

  it('refuses a connection with a wrong token', async () => {
    await expect(connect({ token: 'a'.repeat(64) })).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/token is wrong/),
    })
    await expectStillServing()
  })

  it('refuses a connection with a foreign Host header', async () => {
    await expect(connect({ host: `attacker.example:${host.port}` })).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/answers only to/),
    })
    await expectStillServing()
  })

  it('refuses a connection from a foreign Origin', async () => {
    await expect(connect({ origin: 'http://evil.example' })).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/only from the Mailwarden page/),
    })
    await expect(connect({ origin: null })).rejects.toMatchObject({ status: 403 })
    await expectStillServing()
  })

  it('closes a connection that sends an oversized message, and keeps serving', async () => {
    const client = await connect()
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      client.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    )
    client.ws.send(
      JSON.stringify({
        type: 'call',
        id: 1,
        op: 'app.info',
        payload: { x: 'y'.repeat(WS_MAX_MESSAGE_BYTES) },
      }),
    )
    expect(await closed).toMatchObject({ code: 1009 })
    await expectStillServing()
  })

  it('answers a payload that fails its schema with a clear error, and keeps serving', async () => {
    const client = await connect()
    const bad = await client.call('settings.update', { theme: 'purple' })
    expect(bad).toMatchObject({
      type: 'result',
      result: { ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/theme/) } },
    })
    const extra = await client.call('settings.update', { theme: 'dark', isAdmin: true })
    expect(extra).toMatchObject({ result: { ok: false, error: { code: 'invalid-request' } } })
    const unknown = await client.call('shell.exec', { command: 'rm -rf /' })
    expect(unknown).toMatchObject({ result: { ok: false, error: { code: 'unknown-operation' } } })
    client.ws.send('not json')
    expect(await client.next()).toMatchObject({ type: 'error', error: { code: 'invalid-request' } })
    const good = await client.call('settings.update', { theme: 'dark' })
    expect(good).toMatchObject({ result: { ok: true, value: { settings: { theme: 'dark' } } } })
    client.ws.close()
  })

  it('pushes settings changes to every open tab', async () => {
    const a = await connect()
    const b = await connect()
    const pushed = b.next()
    await a.call('settings.update', { mailClient: 'outlook' })
    expect(await pushed).toMatchObject({ type: 'event', event: 'settings.changed' })
    a.ws.close()
    b.ws.close()
  })
})
