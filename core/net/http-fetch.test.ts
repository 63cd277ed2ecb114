// Real HTTP and HTTPS servers on 127.0.0.1 (port 0); names resolved by a small in-memory Resolver
// so that the fetch's own lookup path is what is tested.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DnsError, type Resolver } from '../dns/resolver.js'
import { HttpFetchError, httpFetch } from './http-fetch.js'

const resolver: Resolver = {
  description: 'test resolver',
  async addresses(host) {
    if (host.endsWith('.test')) return ['127.0.0.1']
    throw new DnsError('not-found', host, `${host} does not exist in DNS (NXDOMAIN).`)
  },
  mx: async () => [],
  srv: async () => [],
  txt: async () => [],
}

let dir: string
let cert: string
let httpServer: http.Server
let httpsServer: https.Server
let httpPort: number
let httpsPort: number
const sockets = new Set<import('node:net').Socket>()

function routes(req: http.IncomingMessage, res: http.ServerResponse, scheme: 'http' | 'https'): void {
  const url = new URL(req.url ?? '/', 'http://x')
  const other = scheme === 'http' ? `https://files.test:${httpsPort}` : `http://files.test:${httpPort}`
  const self = scheme === 'http' ? `http://files.test:${httpPort}` : `https://files.test:${httpsPort}`
  switch (url.pathname) {
    case '/ok':
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello over ${scheme}`)
      return
    case '/big-declared':
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) })
      res.write('x'.repeat(1024))
      return // never ends; must be cut off by the declared length
    case '/big-streamed': {
      res.writeHead(200)
      const chunk = 'y'.repeat(64 * 1024)
      const pump = () => {
        while (res.write(chunk)) {
          /* fill the socket buffer */
        }
        res.once('drain', pump)
      }
      pump()
      return
    }
    case '/drip': {
      res.writeHead(200)
      const timer = setInterval(() => res.write('.'), 100)
      res.on('close', () => clearInterval(timer))
      return
    }
    case '/silent':
      return // headers never come
    case '/hop': {
      const n = Number(url.searchParams.get('n') ?? '0')
      res.writeHead(302, { location: n > 0 ? `${self}/hop?n=${n - 1}` : `${self}/ok` }).end()
      return
    }
    case '/cross':
      res.writeHead(301, { location: `${other}/ok` }).end()
      return
    case '/not-found':
      res.writeHead(404).end('no')
      return
    default:
      res.writeHead(500).end()
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mw-http-fetch-'))
  const key = path.join(dir, 'key.pem')
  cert = path.join(dir, 'cert.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=files.test',
      '-addext',
      'subjectAltName=DNS:files.test',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ],
    { stdio: 'ignore' },
  )
  httpServer = http.createServer((req, res) => routes(req, res, 'http'))
  httpsServer = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) =>
    routes(req, res, 'https'),
  )
  for (const s of [httpServer, httpsServer])
    s.on('connection', (socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r))
  await new Promise<void>((r) => httpsServer.listen(0, '127.0.0.1', r))
  httpPort = (httpServer.address() as AddressInfo).port
  httpsPort = (httpsServer.address() as AddressInfo).port
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((r) => httpServer.close(r))
  await new Promise((r) => httpsServer.close(r))
  fs.rmSync(dir, { recursive: true, force: true })
})

const ca = () => fs.readFileSync(cert, 'utf8')

async function failure(work: Promise<unknown>): Promise<HttpFetchError> {
  try {
    await work
  } catch (error) {
    if (error instanceof HttpFetchError) return error
    throw error
  }
  throw new Error('expected the fetch to fail')
}

describe('httpFetch', () => {
  it('fetches over HTTP through our resolver', async () => {
    const r = await httpFetch(`http://files.test:${httpPort}/ok`, { resolver })
    expect(r).toMatchObject({
      status: 200,
      contentType: 'text/plain',
      body: 'hello over http',
      redirects: [],
    })
  })

  it('verifies HTTPS against the extra CA merged with the system CAs, and refuses without it', async () => {
    const r = await httpFetch(`https://files.test:${httpsPort}/ok`, { resolver, extraCa: ca() })
    expect(r.body).toBe('hello over https')
    const e = await failure(httpFetch(`https://files.test:${httpsPort}/ok`, { resolver }))
    expect(e.kind).toBe('tls')
  })

  it('refuses a certificate for another name', async () => {
    const e = await failure(httpFetch(`https://other.test:${httpsPort}/ok`, { resolver, extraCa: ca() }))
    expect(e.kind).toBe('tls')
    expect(e.message).toMatch(/other\.test/)
  })

  it('returns any status for the caller to judge', async () => {
    expect((await httpFetch(`http://files.test:${httpPort}/not-found`, { resolver })).status).toBe(404)
  })

  it('cuts off a body over the size cap, declared or streamed', async () => {
    expect(
      (await failure(httpFetch(`http://files.test:${httpPort}/big-declared`, { resolver, maxBytes: 4096 })))
        .kind,
    ).toBe('too-large')
    const e = await failure(
      httpFetch(`http://files.test:${httpPort}/big-streamed`, { resolver, maxBytes: 100_000 }),
    )
    expect(e.kind).toBe('too-large')
  })

  it('ends a drip and a silent server at the timeout', async () => {
    for (const p of ['/drip', '/silent']) {
      const started = Date.now()
      const e = await failure(httpFetch(`http://files.test:${httpPort}${p}`, { resolver, timeoutMs: 400 }))
      expect(e.kind).toBe('timeout')
      expect(Date.now() - started).toBeLessThan(400 + 2000) // the timeout plus slack: no hang
    }
  })

  it('follows up to three same-scheme redirects, and no more', async () => {
    const r = await httpFetch(`http://files.test:${httpPort}/hop?n=2`, { resolver })
    expect(r.status).toBe(200)
    expect(r.redirects).toHaveLength(3)
    expect(r.url).toBe(`http://files.test:${httpPort}/ok`)
    const e = await failure(httpFetch(`http://files.test:${httpPort}/hop?n=3`, { resolver }))
    expect(e.kind).toBe('redirect')
  })

  it('never follows a redirect to another scheme, either way', async () => {
    expect(
      (await failure(httpFetch(`https://files.test:${httpsPort}/cross`, { resolver, extraCa: ca() }))).kind,
    ).toBe('redirect')
    expect((await failure(httpFetch(`http://files.test:${httpPort}/cross`, { resolver }))).kind).toBe(
      'redirect',
    )
  })

  it('returns the redirect itself when told to follow none (MTA-STS)', async () => {
    const r = await httpFetch(`http://files.test:${httpPort}/hop?n=0`, { resolver, maxRedirects: 0 })
    expect(r.status).toBe(302)
  })

  it('stops at once when cancelled', async () => {
    const controller = new AbortController()
    const started = Date.now()
    const work = httpFetch(`http://files.test:${httpPort}/silent`, {
      resolver,
      signal: controller.signal,
      timeoutMs: 5000,
    })
    setTimeout(() => controller.abort(), 50)
    expect((await failure(work)).kind).toBe('aborted')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('fails an already cancelled fetch as aborted, with no uncaught error from the dropped request', async () => {
    const controller = new AbortController()
    controller.abort()
    const uncaught: unknown[] = []
    const heard = (error: unknown) => uncaught.push(error)
    process.on('uncaughtException', heard)
    try {
      const work = httpFetch(`http://files.test:${httpPort}/silent`, { resolver, signal: controller.signal })
      expect((await failure(work)).kind).toBe('aborted')
      // The destroyed request's 'error' comes on a later tick.
      await new Promise((r) => setTimeout(r, 50))
    } finally {
      process.off('uncaughtException', heard)
    }
    expect(uncaught).toEqual([])
  })

  it('says which step failed: DNS, connection, URL', async () => {
    expect((await failure(httpFetch('http://nowhere.example/x', { resolver }))).kind).toBe('dns')
    const closed = http.createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    expect((await failure(httpFetch(`http://files.test:${port}/`, { resolver }))).kind).toBe('connect')
    expect((await failure(httpFetch('ftp://files.test/', { resolver }))).kind).toBe('invalid-url')
    expect((await failure(httpFetch('not a url', { resolver }))).kind).toBe('invalid-url')
  })
})
