// The sign-in gate's reader of one side (the client, or the server): lines and counted bytes (an
// IMAP literal), each read bounded by the gate's deadline, every line by a length cap and all the
// bytes by a total. It is fed by the socket's 'data' events, or by the upstream's read arena (an
// implicit TLS upstream reads into one, read-arena.ts); detach() hands back what was read and not
// consumed, for the pump that takes over.
import type net from 'node:net'
import { NetError } from '../../net/errors.js'
import type { ReadArena } from '../read-arena.js'

export interface ReaderLimits {
  maxLineBytes: number
  maxTotalBytes: number
  /** Epoch milliseconds by which every read must have completed (the gate's deadline). */
  deadline: number
}

interface Waiter {
  want: number | 'line'
  resolve(value: Buffer): void
  reject(error: Error): void
  timer: NodeJS.Timeout
}

export class GateReader {
  readonly #where: string
  readonly #limits: ReaderLimits
  #buffer: Buffer = Buffer.alloc(0)
  #total = 0
  #failure: Error | null = null
  #waiter: Waiter | null = null
  #detach: () => void = () => {}

  constructor(where: string, limits: ReaderLimits) {
    this.#where = where
    this.#limits = limits
  }

  /** Reads from a socket's 'data' events (`early`: bytes already read from it, first). */
  fromSocket(socket: net.Socket, early: Buffer = Buffer.alloc(0)): this {
    const onData = (chunk: Buffer) => this.#push(chunk)
    const ends = this.#watchEnds(socket)
    socket.on('data', onData)
    if (early.length > 0) this.#push(early)
    socket.resume()
    this.#detach = () => {
      socket.off('data', onData)
      ends()
      socket.pause()
    }
    return this
  }

  /** Reads from an upstream's read arena (copies: the arena's memory is reused). */
  fromArena(socket: net.Socket, arena: ReadArena): this {
    const ends = this.#watchEnds(socket)
    arena.attach({ read: (chunk) => this.#push(Buffer.from(chunk)), release: () => true })
    socket.resume()
    this.#detach = () => {
      // The pump attaches its own consumer right after, in the same turn.
      ends()
      socket.pause()
    }
    return this
  }

  /** The next line, without CR LF, as latin1 (every byte one character). */
  async line(): Promise<string> {
    const bytes = await this.#read('line')
    let end = bytes.length - 1
    if (end > 0 && bytes[end - 1] === 0x0d) end--
    return bytes.toString('latin1', 0, end)
  }

  /** Exactly n bytes (an IMAP literal). */
  bytes(n: number): Promise<Buffer> {
    return this.#read(n)
  }

  /** Stops reading; returns the bytes read but not consumed (the socket is left paused). */
  detach(): Buffer {
    this.#detach()
    this.#detach = () => {}
    this.#fail(new NetError('protocol', 'The sign-in gate stopped reading.'))
    const rest = this.#buffer
    this.#buffer = Buffer.alloc(0)
    return rest
  }

  #watchEnds(socket: net.Socket): () => void {
    const closed = () => this.#fail(new NetError('closed', `${this.#where} closed the connection.`))
    const broken = (error: NodeJS.ErrnoException) =>
      this.#fail(
        new NetError('reset', `${this.#where} broke the connection (${error.code ?? error.message}).`),
      )
    socket.on('end', closed)
    socket.on('close', closed)
    socket.on('error', broken)
    return () => {
      socket.off('end', closed)
      socket.off('close', closed)
      socket.off('error', broken)
    }
  }

  #push(chunk: Buffer): void {
    if (this.#failure) return
    this.#total += chunk.length
    if (this.#total > this.#limits.maxTotalBytes) {
      this.#fail(
        new NetError(
          'too-much-data',
          `${this.#where} sent more than ${this.#limits.maxTotalBytes} bytes before logging in.`,
        ),
      )
      return
    }
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk])
    this.#serve()
  }

  #take(want: number | 'line'): Buffer | null {
    if (want === 'line') {
      const lf = this.#buffer.indexOf(0x0a)
      if ((lf === -1 ? this.#buffer.length : lf) > this.#limits.maxLineBytes)
        throw new NetError(
          'line-too-long',
          `${this.#where} sent a line longer than ${this.#limits.maxLineBytes} bytes.`,
        )
      if (lf === -1) return null
      const line = this.#buffer.subarray(0, lf + 1)
      this.#buffer = this.#buffer.subarray(lf + 1)
      return line
    }
    if (this.#buffer.length < want) return null
    const bytes = this.#buffer.subarray(0, want)
    this.#buffer = this.#buffer.subarray(want)
    return bytes
  }

  #serve(): void {
    const waiter = this.#waiter
    if (!waiter) return
    let value: Buffer | null
    try {
      value = this.#take(waiter.want)
    } catch (error) {
      this.#fail(error as Error)
      return
    }
    if (value === null) return
    this.#waiter = null
    clearTimeout(waiter.timer)
    waiter.resolve(value)
  }

  #read(want: number | 'line'): Promise<Buffer> {
    if (this.#waiter) return Promise.reject(new Error('GateReader: one read at a time'))
    try {
      const value = this.#take(want)
      if (value !== null) return Promise.resolve(value)
    } catch (error) {
      return Promise.reject(error)
    }
    if (this.#failure) return Promise.reject(this.#failure)
    const left = this.#limits.deadline - Date.now()
    if (left <= 0) return Promise.reject(this.#timeout())
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = null
        reject(this.#timeout())
      }, left)
      this.#waiter = { want, resolve, reject, timer }
    })
  }

  #timeout(): NetError {
    return new NetError('timeout', `${this.#where} did not finish logging in in time.`)
  }

  #fail(error: Error): void {
    this.#failure ??= error
    const waiter = this.#waiter
    if (!waiter) return
    this.#waiter = null
    clearTimeout(waiter.timer)
    waiter.reject(this.#failure)
  }
}
