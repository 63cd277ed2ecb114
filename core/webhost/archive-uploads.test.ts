// POST /upload/archive against the real web host and real sockets: the launch token, the
// archive store's own bound (judged from Content-Length and while streaming, the rest never
// read), its own count, and a stored mbox that a run claims once and that is deleted on release.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  ARCHIVE_UPLOAD_MAX_BYTES,
  ARCHIVE_UPLOAD_PATH,
  MESSAGE_SOURCE_MAX_BYTES,
  UploadReceipt,
} from '../../shared/contract/index.js'
import { createEngine } from '../engine.js'
import { MAX_STORED_ARCHIVES, refusalSentence, sharedArchiveStore, UploadStore } from '../uploads/store.js'
import { startWebHost, type WebHost } from './server.js'

/** A small bound stands in for the 2 GiB one; the code path is the same. */
const SMALL_LIMIT = 256 * 1024

let dir: string
let host: WebHost
let messages: UploadStore
let archives: UploadStore

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-archive-uploads-'))
  messages = new UploadStore({ tmpDir: dir, maxBytes: 1024 })
  archives = new UploadStore({ tmpDir: dir, maxBytes: SMALL_LIMIT, maxStored: 2, noun: 'mbox' })
  const staticDir = path.join(dir, 'static')
  await mkdir(staticDir, { recursive: true })
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Mailwarden</title>')
  const engine = createEngine({ configDir: path.join(dir, 'config'), shell: 'web' })
  host = await startWebHost({ engine, staticDir, uploads: messages, archives })
})

afterEach(async () => {
  await host?.close()
  await rm(dir, { recursive: true, force: true })
})

interface Reply {
  status: number
  body: string
  sent: number
}

function post(
  options: { token?: string | null; body?: Buffer; chunk?: Buffer; chunks?: number; path?: string } = {},
) {
  const token = options.token === undefined ? host.token : options.token
  const headers: Record<string, string> = {
    Host: `127.0.0.1:${host.port}`,
    Origin: `http://127.0.0.1:${host.port}`,
    'Content-Type': 'application/octet-stream',
  }
  if (token !== null) headers.Authorization = `Bearer ${token}`
  if (options.body) headers['Content-Length'] = String(options.body.length)
  return new Promise<Reply>((resolve) => {
    let sent = 0
    let settled = false
    const done = (status: number, body: string) => {
      if (settled) return
      settled = true
      resolve({ status, body, sent })
    }
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: options.path ?? ARCHIVE_UPLOAD_PATH,
        method: 'POST',
        headers,
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (c: string) => {
          body += c
        })
        res.on('end', () => done(res.statusCode ?? 0, body))
        res.on('error', () => done(res.statusCode ?? 0, body))
      },
    )
    req.on('error', () => done(0, ''))
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

const mbox = Buffer.from(
  'From a@example.org Tue Dec  1 10:00:00 2026\nFrom: a@example.org\nSubject: hi\n\nbody\n\n',
)

function receipt(reply: Reply): UploadReceipt {
  expect(reply.status, reply.body).toBe(201)
  return UploadReceipt.parse(JSON.parse(reply.body))
}

describe('POST /upload/archive', () => {
  it('says its bound in the contract: 2 GiB, far above one message', () => {
    expect(ARCHIVE_UPLOAD_MAX_BYTES).toBe(2 * 1024 ** 3)
    expect(ARCHIVE_UPLOAD_MAX_BYTES).toBeGreaterThan(MESSAGE_SOURCE_MAX_BYTES)
    expect(sharedArchiveStore().maxBytes).toBe(ARCHIVE_UPLOAD_MAX_BYTES)
    expect(sharedArchiveStore().maxStored).toBe(MAX_STORED_ARCHIVES)
    expect(refusalSentence({ kind: 'too-large', limit: ARCHIVE_UPLOAD_MAX_BYTES, noun: 'mbox' })).toBe(
      'The mbox is larger than Mailwarden accepts (2 GiB).',
    )
  })

  it('stores an mbox in the archive store (not the message store), claimed once, deleted on release', async () => {
    // Larger than the message store takes: it is the archive route's own bound that applies.
    const big = Buffer.concat([mbox, Buffer.alloc(100 * 1024, 0x61), Buffer.from('\n')])
    const { uploadId, size } = receipt(await post({ body: big }))
    expect(size).toBe(big.length)
    expect(messages.size).toBe(0)
    const claimed = archives.claim(uploadId)
    if (!claimed.ok) throw new Error(claimed.reason)
    expect(await readFile(claimed.file)).toEqual(big)
    expect((await stat(claimed.file)).mode & 0o777).toBe(0o600)
    expect(archives.claim(uploadId)).toEqual({ ok: false, reason: 'unknown' })
    // A claimed upload still counts against the store's room until it is released.
    expect(archives.size).toBe(1)
    await claimed.release()
    expect(archives.size).toBe(0)
    const dirs = (await readdir(dir)).filter((name) => name.startsWith('mailwarden-uploads-'))
    for (const d of dirs) expect(await readdir(path.join(dir, d))).toEqual([])
  })

  it('refuses a missing or wrong token', async () => {
    const missing = await post({ token: null, body: mbox })
    expect(missing.status).toBe(401)
    expect(JSON.parse(missing.body).error).toMatch(/token is missing/)
    const wrong = await post({ token: 'f'.repeat(64), body: mbox })
    expect(wrong.status).toBe(401)
    expect(archives.size).toBe(0)
  })

  it('refuses a declared size over the bound before reading, and says "mbox"', async () => {
    const reply = await post({ body: Buffer.alloc(SMALL_LIMIT + 1, 0x61) })
    expect(reply.status).toBe(413)
    expect(JSON.parse(reply.body).error).toMatch(/^The mbox is larger than Mailwarden accepts/)
    expect(archives.size).toBe(0)
  })

  it('ends a streamed upload at the bound and keeps nothing', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61)
    const reply = await post({ chunk, chunks: 256 })
    expect([0, 413]).toContain(reply.status)
    expect(reply.sent).toBeLessThan(16 * 1024 * 1024)
    expect(archives.size).toBe(0)
    receipt(await post({ body: mbox }))
  })

  it('keeps at most its count of archives waiting', async () => {
    receipt(await post({ body: mbox }))
    receipt(await post({ body: mbox }))
    const third = await post({ body: mbox })
    expect(third.status).toBe(429)
    expect(JSON.parse(third.body).error).toMatch(/Already 2 uploads are waiting/)
  })
})
