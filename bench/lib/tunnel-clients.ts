// Bench clients for the tunnel benchmark: one IMAP-ish connection (plaintext to a tunnel, or TLS
// straight to the server), and the measurements made with it: bulk both ways, NOOP latency,
// connections per second. Only a small tail of what arrives is kept: 64 MiB pass without copies.
import net from 'node:net'
import tls from 'node:tls'

export interface Target {
  label: string
  /** Plaintext port of a tunnel (Mailwarden, stunnel), or null for direct TLS. */
  port: number | null
  /** Direct TLS: where and how. */
  tls?: { address: string; port: number; servername: string; ca: string }
  /** The relay's process, whose CPU time a throughput run reads (none for direct TLS). */
  pid?: number
}

const sessions = new Map<string, Buffer>()

export class Conn {
  readonly socket: net.Socket
  #tail = ''
  #waiting: { needle: string; resolve: () => void } | null = null
  received = 0

  private constructor(socket: net.Socket) {
    this.socket = socket
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.length
      this.#tail = (this.#tail + chunk.toString('latin1', Math.max(0, chunk.length - 256))).slice(-256)
      if (this.#waiting && this.#tail.includes(this.#waiting.needle)) {
        const { resolve } = this.#waiting
        this.#waiting = null
        this.#tail = ''
        resolve()
      }
    })
    socket.on('error', () => {})
  }

  static open(target: Target): Promise<Conn> {
    return new Promise((resolve, reject) => {
      let socket: net.Socket
      if (target.port !== null) {
        socket = net.connect({ host: '127.0.0.1', port: target.port }, () => resolve(conn))
      } else {
        const t = target.tls
        if (!t) throw new Error('direct target needs tls')
        const key = `${t.address}:${t.port}`
        const s = tls.connect(
          { host: t.address, port: t.port, servername: t.servername, ca: t.ca, session: sessions.get(key) },
          () => resolve(conn),
        )
        s.on('session', (session: Buffer) => sessions.set(key, session))
        socket = s
      }
      const conn = new Conn(socket)
      socket.once('error', reject)
    })
  }

  /** Resolves when `needle` has arrived (since the last wait). */
  wait(needle: string): Promise<void> {
    if (this.#tail.includes(needle)) {
      this.#tail = ''
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      this.#waiting = { needle, resolve }
    })
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.closed) resolve()
      else this.socket.once('close', () => resolve())
      this.socket.destroy()
    })
  }
}

export async function greeted(target: Target): Promise<Conn> {
  const conn = await Conn.open(target)
  await conn.wait('\r\n')
  return conn
}

/** MB/s reading one FETCH literal of `bytes` (the upstream serves that size). */
export async function bulkDown(target: Target, bytes: number): Promise<number> {
  const conn = await greeted(target)
  const started = process.hrtime.bigint()
  conn.socket.write('a1 FETCH 1 BODY[]\r\n')
  await conn.wait('a1 OK FETCH completed')
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  await conn.close()
  return bytes / 1e6 / seconds
}

const UPLOAD_CHUNK = Buffer.alloc(256 * 1024, 'y')

/** MB/s sending one APPEND literal of `bytes`, with backpressure. */
export async function bulkUp(target: Target, bytes: number): Promise<number> {
  const conn = await greeted(target)
  const started = process.hrtime.bigint()
  conn.socket.write(`a1 APPEND INBOX {${bytes}+}\r\n`)
  let left = bytes
  while (left > 0) {
    const n = Math.min(left, UPLOAD_CHUNK.length)
    left -= n
    if (!conn.socket.write(n === UPLOAD_CHUNK.length ? UPLOAD_CHUNK : UPLOAD_CHUNK.subarray(0, n)))
      await new Promise((r) => conn.socket.once('drain', r))
  }
  conn.socket.write('\r\n')
  await conn.wait('a1 OK APPEND completed')
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  await conn.close()
  return bytes / 1e6 / seconds
}

/** Round trips of NOOP on one connection, in microseconds each. */
export async function noopLatencies(target: Target, count: number, okText = 'OK'): Promise<number[]> {
  const conn = await greeted(target)
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint()
    conn.socket.write(`n${i} NOOP\r\n`)
    await conn.wait(`n${i} ${okText}`)
    times.push(Number(process.hrtime.bigint() - started) / 1e3)
  }
  await conn.close()
  return times
}

/** New sessions per second: connect, greeting, LOGOUT, close, `total` of them `parallel` at a time. */
export async function connectionsPerSecond(target: Target, total: number, parallel: number): Promise<number> {
  let started = 0
  const begin = process.hrtime.bigint()
  const worker = async () => {
    while (started < total) {
      started++
      const conn = await greeted(target)
      conn.socket.write('a LOGOUT\r\n')
      await new Promise((r) => conn.socket.once('close', r))
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
  return total / (Number(process.hrtime.bigint() - begin) / 1e9)
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}
