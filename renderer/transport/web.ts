// The browser-tab transport: one WebSocket to the loopback web host, calls matched to results
// by id, events fanned out to subscribers. It reconnects on its own; calls made while the link
// is down wait a bounded time for it, and calls in flight when it drops fail with a sentence.
import {
  type ApiErrorBody,
  type Envelope,
  type EventName,
  events,
  isEventName,
  type Listener,
  type OpName,
  type Transport,
  WS_MAX_MESSAGE_BYTES,
  WS_PATH,
  WsServerMessage,
} from '../../shared/contract/index.js'
import { type ConnectionState, createConnectionSource, type PickedTransport } from './connection.js'
import { createUploadSender } from './message-sender.js'
import { takeToken } from './token.js'

/** First retry delay after the link drops; doubles per attempt up to RECONNECT_MAX_MS. */
const RECONNECT_BASE_MS = 250
const RECONNECT_MAX_MS = 5_000
/** How long a call made while disconnected waits for the link before it gives up. */
const CALL_WAIT_MS = 10_000

/** WebSocket close codes the host uses on purpose. */
const CLOSE_TOO_LARGE = 1009
const CLOSE_REFUSED = 1008

const NO_TOKEN_REASON =
  'This address lacks its key: the address that “mailwarden ui” (or “npm start”) printed ends in #token=… and this one does not, so Mailwarden cannot let this page in.'
const REFUSED_REASON =
  'Mailwarden refused this page’s key, most likely because it was restarted. Open the new address that “mailwarden ui” printed.'

/** Whether the web host that served this page still answers plain HTTP requests. */
async function hostAnswers(): Promise<boolean> {
  try {
    await fetch(location.pathname, { method: 'HEAD', cache: 'no-store' })
    return true
  } catch {
    return false
  }
}

type Settle = (envelope: Envelope<unknown>) => void

interface Waiting {
  send: () => void
  fail: (error: ApiErrorBody) => void
}

const failure = (error: ApiErrorBody): Envelope<unknown> => ({ ok: false, error })

function closeError(code: number): ApiErrorBody {
  if (code === CLOSE_TOO_LARGE) {
    return { code: 'too-large', message: 'Mailwarden closed the connection because a message was too large.' }
  }
  if (code === CLOSE_REFUSED) return { code: 'forbidden', message: REFUSED_REASON }
  return {
    code: 'internal',
    message:
      'The connection to Mailwarden closed before it answered. Nothing is known about the result; try again.',
  }
}

/** A call that waited its bounded time for a link that stayed down. */
const NOT_REACHABLE: ApiErrorBody = {
  code: 'internal',
  message: 'Mailwarden is not reachable right now, so nothing was done. Check that it is still running.',
}

/** The one WebSocket of this page: opening it, its answers and events, its loss and recovery. */
class WebLink {
  readonly connection: ReturnType<typeof createConnectionSource>
  readonly #pending = new Map<number, Settle>()
  readonly #waiting = new Set<Waiting>()
  readonly #listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  #token: string | null
  #socket: WebSocket | null = null
  /** Whether the current socket ever opened: a refusal before it opens looks like a host that is down. */
  #opened = false
  #nextId = 1
  #attempt = 0
  #retryTimer: ReturnType<typeof setTimeout> | undefined

  constructor() {
    this.#token = takeToken()
    this.connection = createConnectionSource(
      this.#token
        ? { status: 'connecting' }
        : { status: 'failed', reason: NO_TOKEN_REASON, problem: 'no-token' },
    )
  }

  get token(): string | null {
    return this.#token
  }

  connect(): void {
    if (!this.#token) return
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
    const ws = new WebSocket(`${scheme}//${location.host}${WS_PATH}?token=${encodeURIComponent(this.#token)}`)
    this.#socket = ws
    this.#opened = false
    ws.onopen = () => this.#onOpen()
    ws.onmessage = (event) => this.#receive(event.data)
    ws.onclose = (event) => this.#onClose(ws, event.code)
  }

  /** A new address with a new token (the host was restarted) takes effect without a reload. */
  useNewToken(): void {
    const fresh = takeToken()
    if (!fresh || fresh === this.#token) return
    this.#token = fresh
    clearTimeout(this.#retryTimer)
    const old = this.#socket
    this.#socket = null
    old?.close(1000, 'new token')
    this.#failPending(closeError(1000))
    this.#attempt = 0
    this.#setState({ status: 'connecting' })
    this.connect()
  }

  call(op: OpName, payload: unknown): Promise<Envelope<unknown>> {
    const id = this.#nextId++
    const text = JSON.stringify({ type: 'call', id, op, payload })
    if (new TextEncoder().encode(text).byteLength > WS_MAX_MESSAGE_BYTES) {
      // Sending it would only make the host close the connection on every other call too.
      return Promise.resolve(
        failure({ code: 'too-large', message: 'This request is larger than Mailwarden accepts (1 MiB).' }),
      )
    }
    const state = this.connection.current()
    if (state.status === 'failed')
      return Promise.resolve(failure({ code: 'forbidden', message: state.reason }))
    return new Promise((resolve) => {
      const sendNow = () => {
        this.#pending.set(id, resolve)
        this.#socket?.send(text)
      }
      if (this.#socket?.readyState === WebSocket.OPEN) sendNow()
      else this.#wait(sendNow, resolve)
    })
  }

  subscribe<K extends EventName>(event: K, listener: Listener<K>): () => void {
    const set = this.#listeners.get(event) ?? new Set()
    this.#listeners.set(event, set)
    // The payload was checked against this event's schema in #receive().
    const loose = listener as (payload: unknown) => void
    set.add(loose)
    return () => {
      set.delete(loose)
    }
  }

  #setState(state: ConnectionState): void {
    this.connection.set(state)
  }

  /** A call made while the link is down waits for it, a bounded time. */
  #wait(sendNow: () => void, resolve: Settle): void {
    const entry: Waiting = {
      send: () => {
        clearTimeout(timer)
        this.#waiting.delete(entry)
        sendNow()
      },
      fail: (error) => {
        clearTimeout(timer)
        this.#waiting.delete(entry)
        resolve(failure(error))
      },
    }
    const timer = setTimeout(() => entry.fail(NOT_REACHABLE), CALL_WAIT_MS)
    this.#waiting.add(entry)
  }

  #onOpen(): void {
    this.#opened = true
    this.#attempt = 0
    this.#setState({ status: 'connected' })
    for (const call of [...this.#waiting]) call.send()
  }

  #onClose(ws: WebSocket, code: number): void {
    // A socket replaced on purpose (new token) must not touch the state of its successor.
    if (this.#socket !== ws) return
    this.#socket = null
    this.#failPending(closeError(code))
    if (code === CLOSE_REFUSED) {
      this.#refused()
      return
    }
    if (this.#opened) {
      this.#scheduleReconnect()
      return
    }
    // The host refuses a bad token before the WebSocket opens, and the browser reports that
    // like a host that is down. Tell them apart by asking for the page itself.
    void hostAnswers().then((up) => {
      if (this.#socket !== null || this.connection.current().status === 'failed') return
      if (up) this.#refused()
      else this.#scheduleReconnect()
    })
  }

  /** Calls in flight get no answer now: they fail with what happened to the link. */
  #failPending(error: ApiErrorBody): void {
    for (const settle of this.#pending.values()) settle(failure(error))
    this.#pending.clear()
  }

  #refused(): void {
    this.#setState({ status: 'failed', reason: REFUSED_REASON, problem: 'refused' })
    for (const call of [...this.#waiting]) call.fail({ code: 'forbidden', message: REFUSED_REASON })
  }

  #scheduleReconnect(): void {
    this.#attempt += 1
    this.#setState({ status: 'reconnecting', attempt: this.#attempt })
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** (this.#attempt - 1))
    // Jitter so that several tabs do not knock on the host in step.
    this.#retryTimer = setTimeout(() => this.connect(), delay * (0.8 + Math.random() * 0.4))
  }

  #receive(data: unknown): void {
    if (typeof data !== 'string') return
    let json: unknown
    try {
      json = JSON.parse(data)
    } catch {
      return
    }
    const parsed = WsServerMessage.safeParse(json)
    if (!parsed.success) return
    const message = parsed.data
    if (message.type === 'result') {
      const settle = this.#pending.get(message.id)
      this.#pending.delete(message.id)
      settle?.(message.result as Envelope<unknown>)
    } else if (message.type === 'event') {
      if (!isEventName(message.event)) return
      const payload = events[message.event].safeParse(message.payload)
      if (!payload.success) return
      for (const listener of this.#listeners.get(message.event) ?? []) listener(payload.data)
    } else {
      // Not tied to any call: the host could not read something we sent.
      console.warn(`Mailwarden host: ${message.error.message}`)
    }
  }
}

export function createWebTransport(): PickedTransport {
  const link = new WebLink()
  window.addEventListener('hashchange', () => link.useNewToken())
  link.connect()
  const transport: Transport = {
    call: (op, payload) => link.call(op, payload),
    subscribe: (event, listener) => link.subscribe(event, listener),
  }
  return { transport, connection: link.connection, messageSender: createUploadSender(() => link.token) }
}
