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

export function createWebTransport(): PickedTransport {
  let token = takeToken()
  const connection = createConnectionSource(
    token ? { status: 'connecting' } : { status: 'failed', reason: NO_TOKEN_REASON, problem: 'no-token' },
  )
  const pending = new Map<number, Settle>()
  const waiting = new Set<Waiting>()
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  let socket: WebSocket | null = null
  let nextId = 1
  let attempt = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  const setState = (state: ConnectionState) => connection.set(state)

  function connect(): void {
    if (!token) return
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
    const ws = new WebSocket(`${scheme}//${location.host}${WS_PATH}?token=${encodeURIComponent(token)}`)
    socket = ws
    let opened = false
    ws.onopen = () => {
      opened = true
      attempt = 0
      setState({ status: 'connected' })
      for (const call of [...waiting]) call.send()
    }
    ws.onmessage = (event) => receive(event.data)
    ws.onclose = (event) => {
      // A socket replaced on purpose (new token) must not touch the state of its successor.
      if (socket !== ws) return
      socket = null
      const error = closeError(event.code)
      for (const settle of pending.values()) settle(failure(error))
      pending.clear()
      if (event.code === CLOSE_REFUSED) return refused()
      if (opened) return scheduleReconnect()
      // The host refuses a bad token before the WebSocket opens, and the browser reports that
      // like a host that is down. Tell them apart by asking for the page itself.
      void hostAnswers().then((up) => {
        if (socket !== null || connection.current().status === 'failed') return
        if (up) refused()
        else scheduleReconnect()
      })
    }
  }

  function refused(): void {
    setState({ status: 'failed', reason: REFUSED_REASON, problem: 'refused' })
    for (const call of [...waiting]) call.fail({ code: 'forbidden', message: REFUSED_REASON })
  }

  function scheduleReconnect(): void {
    attempt += 1
    setState({ status: 'reconnecting', attempt })
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** (attempt - 1))
    // Jitter so that several tabs do not knock on the host in step.
    retryTimer = setTimeout(connect, delay * (0.8 + Math.random() * 0.4))
  }

  function receive(data: unknown): void {
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
      const settle = pending.get(message.id)
      pending.delete(message.id)
      settle?.(message.result as Envelope<unknown>)
    } else if (message.type === 'event') {
      if (!isEventName(message.event)) return
      const payload = events[message.event].safeParse(message.payload)
      if (!payload.success) return
      for (const listener of listeners.get(message.event) ?? []) listener(payload.data)
    } else {
      // Not tied to any call: the host could not read something we sent.
      console.warn(`Mailwarden host: ${message.error.message}`)
    }
  }

  function call(op: OpName, payload: unknown): Promise<Envelope<unknown>> {
    const id = nextId++
    const text = JSON.stringify({ type: 'call', id, op, payload })
    if (new TextEncoder().encode(text).byteLength > WS_MAX_MESSAGE_BYTES) {
      // Sending it would only make the host close the connection on every other call too.
      return Promise.resolve(
        failure({ code: 'too-large', message: 'This request is larger than Mailwarden accepts (1 MiB).' }),
      )
    }
    const state = connection.current()
    if (state.status === 'failed')
      return Promise.resolve(failure({ code: 'forbidden', message: state.reason }))
    return new Promise((resolve) => {
      const sendNow = () => {
        pending.set(id, resolve)
        socket?.send(text)
      }
      if (socket?.readyState === WebSocket.OPEN) return sendNow()
      const entry: Waiting = {
        send: () => {
          clearTimeout(timer)
          waiting.delete(entry)
          sendNow()
        },
        fail: (error) => {
          clearTimeout(timer)
          waiting.delete(entry)
          resolve(failure(error))
        },
      }
      const timer = setTimeout(
        () =>
          entry.fail({
            code: 'internal',
            message:
              'Mailwarden is not reachable right now, so nothing was done. Check that it is still running.',
          }),
        CALL_WAIT_MS,
      )
      waiting.add(entry)
    })
  }

  function subscribe<K extends EventName>(event: K, listener: Listener<K>) {
    const set = listeners.get(event) ?? new Set()
    listeners.set(event, set)
    // The payload was checked against this event's schema in receive().
    const loose = listener as (payload: unknown) => void
    set.add(loose)
    return () => {
      set.delete(loose)
    }
  }

  // A new address with a new token (the host was restarted) takes effect without a reload.
  window.addEventListener('hashchange', () => {
    const fresh = takeToken()
    if (!fresh || fresh === token) return
    token = fresh
    clearTimeout(retryTimer)
    const old = socket
    socket = null
    old?.close(1000, 'new token')
    for (const settle of pending.values()) settle(failure(closeError(1000)))
    pending.clear()
    attempt = 0
    setState({ status: 'connecting' })
    connect()
  })

  connect()
  const transport: Transport = { call, subscribe }
  return { transport, connection, messageSender: createUploadSender(() => token) }
}
