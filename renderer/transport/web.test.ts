// The web transport against a stand-in WebSocket: what the page does with the host's answers,
// silences and refusals. The real host is exercised by the Playwright specs in e2e/ui.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { WS_MAX_MESSAGE_BYTES } from '../../shared/contract/index.js'
import type { PickedTransport } from './connection.js'
import { createWebTransport } from './web.js'

const TOKEN = 'ab'.repeat(32)

class FakeSocket {
  static readonly OPEN = 1
  static all: FakeSocket[] = []
  readyState = 0
  sent: string[] = []
  onopen: (() => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  onclose: ((event: { code: number }) => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send(text: string) {
    this.sent.push(text)
  }
  close(code = 1000) {
    this.readyState = 3
    this.onclose?.({ code })
  }
  open() {
    this.readyState = FakeSocket.OPEN
    this.onopen?.()
  }
  answer(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) })
  }
  calls(): { id: number; op: string }[] {
    return this.sent.map((text) => JSON.parse(text) as { id: number; op: string })
  }
}

const latest = () => {
  const socket = FakeSocket.all.at(-1)
  if (!socket) throw new Error('no socket was opened')
  return socket
}

function stubPage(hash: string, hostAnswers: boolean) {
  const storage = new Map<string, string>()
  const address = { hash, pathname: '/', search: '', protocol: 'http:', host: '127.0.0.1:4000' }
  vi.stubGlobal('location', address)
  vi.stubGlobal('history', {
    state: null,
    replaceState: (_state: unknown, _title: string, url: string) => {
      address.hash = url.includes('#') ? url.slice(url.indexOf('#')) : ''
    },
  })
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => storage.set(key, value),
  })
  vi.stubGlobal('window', { addEventListener: () => {} })
  vi.stubGlobal('WebSocket', FakeSocket)
  vi.stubGlobal('fetch', () => (hostAnswers ? Promise.resolve({}) : Promise.reject(new TypeError('down'))))
  return { address, storage }
}

let picked: PickedTransport

beforeEach(() => {
  FakeSocket.all = []
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('the web transport', () => {
  it('takes the token from the address, keeps it for the tab and removes it from the address bar', () => {
    const { address, storage } = stubPage(`#token=${TOKEN}`, true)
    picked = createWebTransport()
    expect(latest().url).toBe(`ws://127.0.0.1:4000/api?token=${TOKEN}`)
    expect(address.hash).toBe('')
    expect([...storage.values()]).toEqual([TOKEN])
  })

  it('says how to get in when the page was opened without a token', async () => {
    stubPage('', true)
    picked = createWebTransport()
    expect(FakeSocket.all).toHaveLength(0)
    expect(picked.connection.current()).toMatchObject({
      status: 'failed',
      problem: 'no-token',
      reason: /lacks its key/,
    })
    const result = await picked.transport.call('settings.get', {})
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('matches results to calls by id, and sends calls made before the socket opened', async () => {
    stubPage(`#token=${TOKEN}`, true)
    picked = createWebTransport()
    const first = picked.transport.call('settings.get', {})
    const second = picked.transport.call('app.info', {})
    expect(latest().sent).toHaveLength(0)
    latest().open()
    expect(picked.connection.current()).toEqual({ status: 'connected' })
    const [a, b] = latest().calls()
    if (!a || !b) throw new Error('both calls should have been sent')
    latest().answer({ type: 'result', id: b.id, result: { ok: true, value: 'info' } })
    latest().answer({ type: 'result', id: a.id, result: { ok: true, value: 'settings' } })
    expect(await first).toEqual({ ok: true, value: 'settings' })
    expect(await second).toEqual({ ok: true, value: 'info' })
  })

  it('fails calls in flight when the socket closes, then reconnects', async () => {
    stubPage(`#token=${TOKEN}`, false)
    picked = createWebTransport()
    latest().open()
    const call = picked.transport.call('settings.get', {})
    latest().close(1006)
    expect(await call).toMatchObject({
      ok: false,
      error: { code: 'internal', message: /closed before it answered/ },
    })
    expect(picked.connection.current()).toEqual({ status: 'reconnecting', attempt: 1 })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(FakeSocket.all).toHaveLength(2)
    latest().open()
    expect(picked.connection.current()).toEqual({ status: 'connected' })
  })

  it('gives up on a call after a bounded wait while disconnected', async () => {
    stubPage(`#token=${TOKEN}`, false)
    picked = createWebTransport()
    const call = picked.transport.call('settings.get', {})
    await vi.advanceTimersByTimeAsync(10_001)
    expect(await call).toMatchObject({ ok: false, error: { message: /not reachable/ } })
  })

  it('treats a refused upgrade from a host that still answers as a stale token', async () => {
    stubPage(`#token=${TOKEN}`, true)
    picked = createWebTransport()
    const call = picked.transport.call('settings.get', {})
    latest().close(1006)
    await vi.advanceTimersByTimeAsync(0)
    expect(picked.connection.current()).toMatchObject({ status: 'failed', reason: /refused this page’s key/ })
    expect(await call).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('refuses to send a message larger than the host accepts', async () => {
    stubPage(`#token=${TOKEN}`, true)
    picked = createWebTransport()
    latest().open()
    const huge = 'x'.repeat(WS_MAX_MESSAGE_BYTES)
    const result = await picked.transport.call('secrets.set', { account: 'a', secret: huge })
    expect(result).toMatchObject({ ok: false, error: { code: 'too-large' } })
    expect(latest().sent).toHaveLength(0)
  })

  it('delivers events that match their schema and drops the rest', () => {
    stubPage(`#token=${TOKEN}`, true)
    picked = createWebTransport()
    latest().open()
    const lines: unknown[] = []
    picked.transport.subscribe('log', (line) => lines.push(line))
    const line = { at: '2025-01-01T00:00:00.000Z', level: 'info', source: 'test', message: 'hello' }
    latest().answer({ type: 'event', event: 'log', payload: line })
    latest().answer({ type: 'event', event: 'log', payload: { message: 'not a log line' } })
    latest().answer({ type: 'event', event: 'no-such-event', payload: line })
    expect(lines).toEqual([line])
  })
})
