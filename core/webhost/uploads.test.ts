// POST /upload against the real web host and real sockets: each refusal (token, origin, host,
// method, size, count), and an upload that the engine's readMessageSource takes exactly once.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type MessageSource, UPLOAD_PATH, UploadReceipt } from '../../shared/contract/index.js'
import type { EngineContext } from '../context.js'
import { createEngine } from '../engine.js'
import { readMessageSource } from '../uploads/read-source.js'
import { UploadStore } from '../uploads/store.js'
import { startWebHost, type WebHost } from './server.js'

const SMALL_LIMIT = 1024 * 1024

let dir: string
let host: WebHost
let store: UploadStore

async function startHost(options: ConstructorParameters<typeof UploadStore>[0] = {}) {
  store = new UploadStore({ tmpDir: dir, maxBytes: SMALL_LIMIT, ...options })
  const staticDir = path.join(dir, 'static')
  await mkdir(staticDir, { recursive: true })
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Mailwarden</title>')
  const engine = createEngine({ configDir: path.join(dir, 'config'), shell: 'web' })
  host = await startWebHost({ engine, staticDir, uploads: store })
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-uploads-'))
})

afterEach(async () => {
  await host?.close()
  await rm(dir, { recursive: true, force: true })
})

interface Reply {
  status: number
  body: string
  /** Body bytes the client managed to send before the answer or the end of the connection. */
  sent: number
}

interface PostOptions {
  token?: string | null
  origin?: string | null
  host?: string
  method?: string
  /** Sent as one block with Content-Length, or streamed chunked (`chunks` times `chunk`). */
  body?: Buffer
  chunk?: Buffer
  chunks?: number
  contentLength?: number
}

function post(options: PostOptions = {}): Promise<Reply> {
  const token = options.token === undefined ? host.token : options.token
  const origin = options.origin === undefined ? `http://127.0.0.1:${host.port}` : options.origin
  const headers: Record<string, string> = {
    Host: options.host ?? `127.0.0.1:${host.port}`,
    'Content-Type': 'application/octet-stream',
  }
  if (token !== null) headers.Authorization = `Bearer ${token}`
  if (origin !== null) headers.Origin = origin
  if (options.body) headers['Content-Length'] = String(options.body.length)
  if (options.contentLength !== undefined) headers['Content-Length'] = String(options.contentLength)
  return new Promise((resolve) => {
    let sent = 0
    let settled = false
    const done = (reply: Omit<Reply, 'sent'>) => {
      if (settled) return
      settled = true
      resolve({ ...reply, sent })
    }
    const req = http.request(
      { host: '127.0.0.1', port: host.port, path: UPLOAD_PATH, method: options.method ?? 'POST', headers },
      (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (c: string) => {
          body += c
        })
        res.on('end', () => done({ status: res.statusCode ?? 0, body }))
        res.on('error', () => done({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', () => done({ status: 0, body: '' }))
    if (options.chunk && options.chunks) {
      const { chunk, chunks } = options
      let written = 0
      const pump = () => {
        while (written < chunks && !req.destroyed && !settled) {
          written++
          sent += chunk.length
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
        if (written >= chunks) req.end()
      }
      pump()
    } else {
      sent = options.body?.length ?? 0
      req.end(options.body)
    }
  })
}

const message = Buffer.from('From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n')
const context = {} as EngineContext

function receipt(reply: Reply): UploadReceipt {
  expect(reply.status, reply.body).toBe(201)
  return UploadReceipt.parse(JSON.parse(reply.body))
}

describe('POST /upload', () => {
  it('stores a message that the engine then reads exactly once', async () => {
    await startHost()
    const { uploadId, size } = receipt(await post({ body: message }))
    expect(size).toBe(message.length)
    const source: MessageSource = { kind: 'upload', uploadId, name: 'a.eml' }
    const opened = await readMessageSource(source, context, store)
    expect(opened).toEqual({ name: 'a.eml', bytes: message })
    // Used twice: refused, with a sentence.
    await expect(readMessageSource(source, context, store)).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringContaining('each upload is used once'),
    })
    // Nothing left on disk.
    const dirs = (await readdir(dir)).filter((name) => name.startsWith('mailwarden-uploads-'))
    expect(dirs).toHaveLength(1)
    expect(await readdir(path.join(dir, dirs[0] ?? ''))).toEqual([])
  })

  it('refuses a request without the token, or with a wrong one', async () => {
    await startHost()
    const missing = await post({ token: null, body: message })
    expect(missing.status).toBe(401)
    expect(missing.body).toContain('the token is missing')
    const wrong = await post({ token: 'ab'.repeat(32), body: message })
    expect(wrong.status).toBe(401)
    expect(wrong.body).toContain('the token is wrong')
    expect(store.size).toBe(0)
  })

  it('refuses another origin and a missing origin', async () => {
    await startHost()
    for (const origin of ['http://evil.example', `http://127.0.0.1:${host.port + 1}`, null]) {
      const reply = await post({ origin, body: message })
      expect(reply.status, String(origin)).toBe(403)
      expect(reply.body).toContain('only from the Mailwarden page')
    }
    expect(store.size).toBe(0)
  })

  it('refuses a DNS-rebound host name', async () => {
    await startHost()
    const reply = await post({ host: `evil.example:${host.port}`, body: message })
    expect(reply.status).toBe(421)
    expect(store.size).toBe(0)
  })

  it('accepts only POST', async () => {
    await startHost()
    const reply = await post({ method: 'PUT', body: message })
    expect(reply.status).toBe(405)
  })

  it('refuses a declared size over the bound before reading the body', async () => {
    await startHost()
    const reply = await post({ contentLength: SMALL_LIMIT + 1, chunk: Buffer.alloc(64 * 1024), chunks: 64 })
    expect(reply.status).toBe(413)
    expect(JSON.parse(reply.body).error).toContain('larger than Mailwarden accepts')
    expect(store.size).toBe(0)
  })

  it('ends a streamed upload at the bound: the rest is never read and memory does not grow', async () => {
    await startHost()
    const chunk = Buffer.alloc(64 * 1024, 0x61)
    const total = 64 * 1024 * 1024
    const before = process.memoryUsage()
    const reply = await post({ chunk, chunks: total / chunk.length })
    const after = process.memoryUsage()
    // 413 when the answer arrives before the socket closes, otherwise a reset: both refuse.
    expect([0, 413]).toContain(reply.status)
    // The host stopped reading at 1 MiB; socket buffers hold a few MiB at most.
    expect(reply.sent).toBeLessThan(16 * 1024 * 1024)
    expect(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)).toBeLessThan(
      24 * 1024 * 1024,
    )
    expect(store.size).toBe(0)
    // The host still serves.
    receipt(await post({ body: message }))
  })

  it('says an upload expired when it is used too late', async () => {
    await startHost({ ttlMs: 50 })
    const { uploadId } = receipt(await post({ body: message }))
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(store.size).toBe(0)
    await expect(
      readMessageSource({ kind: 'upload', uploadId, name: 'late.eml' }, context, store),
    ).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('expired') })
  })

  it('caps the uploads waiting at once', async () => {
    await startHost({ maxStored: 2 })
    receipt(await post({ body: message }))
    receipt(await post({ body: message }))
    const third = await post({ body: message })
    expect(third.status).toBe(429)
    expect(third.body).toContain('uploads are waiting')
  })

  it('drops an upload that stops sending, freeing its slot', async () => {
    await startHost({ idleTimeoutMs: 200, maxStored: 1 })
    const started = Date.now()
    const closed = new Promise<void>((resolve) => {
      const req = http.request({
        host: '127.0.0.1',
        port: host.port,
        path: UPLOAD_PATH,
        method: 'POST',
        headers: {
          Host: `127.0.0.1:${host.port}`,
          Origin: `http://127.0.0.1:${host.port}`,
          Authorization: `Bearer ${host.token}`,
          'Content-Length': '1000',
        },
      })
      req.on('error', () => resolve())
      req.on('close', () => resolve())
      req.write(Buffer.alloc(10))
    })
    await closed
    // The 200 ms idle bound, plus generous slack for a busy machine: no hang.
    expect(Date.now() - started).toBeLessThan(200 + 3000)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(store.size).toBe(0)
    receipt(await post({ body: message }))
  })

  it('refuses an unknown id with a sentence', async () => {
    await startHost()
    await expect(
      readMessageSource({ kind: 'upload', uploadId: `up-${'0'.repeat(32)}`, name: 'x.eml' }, context, store),
    ).rejects.toMatchObject({ code: 'not-found' })
  })
})
