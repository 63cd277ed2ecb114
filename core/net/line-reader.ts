// The one bounded line reader of the protocol dialogues (probe and tunnel): reads CRLF (or bare
// LF) terminated lines from a socket, with a deadline per line, a cap per line and a cap on all
// bytes read. It can be detached before a TLS upgrade and hands back whatever it had buffered, so
// the upgrader can tell whether the server sent bytes it should not have.
import type { Duplex } from 'node:stream'
import { NetError } from './errors.js'
import { MAX_LINE_BYTES, MAX_PLAINTEXT_BYTES, READ_TIMEOUT_MS } from './limits.js'

export interface LineLimits {
  maxLineBytes: number
  maxTotalBytes: number
  readTimeoutMs: number
}

export const DEFAULT_LINE_LIMITS: LineLimits = {
  maxLineBytes: MAX_LINE_BYTES,
  maxTotalBytes: MAX_PLAINTEXT_BYTES,
  readTimeoutMs: READ_TIMEOUT_MS,
}

interface Waiter {
  resolve(line: string): void
  reject(error: NetError): void
  timer: NodeJS.Timeout
}

export class LineReader {
  readonly #socket: Duplex
  readonly #limits: LineLimits
  readonly #where: string
  #buffer: Buffer = Buffer.alloc(0)
  #total = 0
  #waiter: Waiter | null = null
  #failure: NetError | null = null
  #detached = false
  readonly #signal: AbortSignal | undefined

  readonly #onData = (chunk: Buffer) => {
    this.#total += chunk.length
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk])
    if (this.#total > this.#limits.maxTotalBytes) {
      this.#fail(
        new NetError(
          'too-much-data',
          `${this.#where} sent more than ${this.#limits.maxTotalBytes} bytes without finishing; gave up.`,
        ),
      )
      return
    }
    this.#pump()
  }
  readonly #onEnd = () =>
    this.#fail(new NetError('closed', `${this.#where} closed the connection in the middle of the dialogue.`))
  readonly #onClose = () => this.#onEnd()
  readonly #onError = (error: NodeJS.ErrnoException) => {
    const kind = error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'reset' : 'closed'
    this.#fail(
      new NetError(
        kind,
        `${this.#where} ${kind === 'reset' ? 'reset' : 'broke'} the connection (${error.code ?? error.message}).`,
        { cause: error },
      ),
    )
  }
  readonly #onAbort = () => this.#fail(new NetError('cancelled', 'Cancelled.'))

  constructor(socket: Duplex, where: string, limits: Partial<LineLimits> = {}, signal?: AbortSignal) {
    this.#socket = socket
    this.#where = where
    this.#limits = { ...DEFAULT_LINE_LIMITS, ...limits }
    this.#signal = signal
    socket.on('data', this.#onData)
    socket.on('end', this.#onEnd)
    socket.on('close', this.#onClose)
    socket.on('error', this.#onError)
    signal?.addEventListener('abort', this.#onAbort, { once: true })
    if (signal?.aborted) this.#onAbort()
  }

  /** Bytes received so far (all lines, consumed or not). */
  get bytesRead(): number {
    return this.#total
  }

  /** Bytes received and not yet returned as a line. */
  get buffered(): number {
    return this.#buffer.length
  }

  /** The next line without its line ending. One read at a time. */
  readLine(timeoutMs = this.#limits.readTimeoutMs): Promise<string> {
    if (this.#waiter) throw new Error('LineReader: one readLine at a time')
    if (this.#detached) return Promise.reject(new NetError('protocol', 'LineReader: read after detach'))
    const line = this.#takeLine()
    if (line !== null) return Promise.resolve(line)
    if (this.#failure) return Promise.reject(this.#failure)
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = null
        const partial = this.#buffer.length > 0 ? ` (${this.#buffer.length} bytes of an unfinished line)` : ''
        reject(
          new NetError('timeout', `${this.#where} sent no complete line within ${timeoutMs} ms${partial}.`),
        )
      }, timeoutMs)
      this.#waiter = { resolve, reject, timer }
    })
  }

  /**
   * Stops reading and returns the bytes buffered but not consumed. The socket is paused, with no
   * listener of ours left, ready to be handed to tls.connect({ socket }).
   */
  detach(): Buffer {
    this.#detached = true
    this.#socket.off('data', this.#onData)
    this.#socket.off('end', this.#onEnd)
    this.#socket.off('close', this.#onClose)
    this.#socket.off('error', this.#onError)
    this.#signal?.removeEventListener('abort', this.#onAbort)
    this.#socket.pause()
    const rest = this.#buffer
    this.#buffer = Buffer.alloc(0)
    if (this.#waiter) {
      clearTimeout(this.#waiter.timer)
      this.#waiter.reject(new NetError('protocol', 'LineReader: detached while reading'))
      this.#waiter = null
    }
    return rest
  }

  #takeLine(): string | null {
    const lf = this.#buffer.indexOf(0x0a)
    if (lf === -1) {
      if (this.#buffer.length > this.#limits.maxLineBytes)
        this.#fail(
          new NetError(
            'line-too-long',
            `${this.#where} sent a line longer than ${this.#limits.maxLineBytes} bytes.`,
          ),
        )
      return null
    }
    if (lf > this.#limits.maxLineBytes) {
      this.#fail(
        new NetError(
          'line-too-long',
          `${this.#where} sent a line longer than ${this.#limits.maxLineBytes} bytes.`,
        ),
      )
      return null
    }
    const end = lf > 0 && this.#buffer[lf - 1] === 0x0d ? lf - 1 : lf
    // latin1 keeps every byte as one char: protocol tokens are ASCII and nothing is lost.
    const line = this.#buffer.toString('latin1', 0, end)
    this.#buffer = this.#buffer.subarray(lf + 1)
    return line
  }

  #pump(): void {
    if (!this.#waiter) {
      // Nobody waits: still enforce the line cap so an endless line fails promptly.
      if (this.#buffer.indexOf(0x0a) === -1 && this.#buffer.length > this.#limits.maxLineBytes)
        this.#takeLine()
      return
    }
    const line = this.#takeLine()
    if (line === null) return
    const waiter = this.#waiter
    this.#waiter = null
    clearTimeout(waiter.timer)
    waiter.resolve(line)
  }

  #fail(error: NetError): void {
    if (this.#failure) return
    this.#failure = error
    // Nothing more is read: memory stays bounded whatever the server keeps sending.
    this.#socket.off('data', this.#onData)
    if (this.#waiter) {
      // Lines that did arrive complete before the failure are still delivered first.
      const line = this.#takeLine()
      const waiter = this.#waiter
      this.#waiter = null
      clearTimeout(waiter.timer)
      if (line !== null) waiter.resolve(line)
      else waiter.reject(error)
    }
  }
}
