// A line-level client for the lab's OAuth mail servers, to see exactly what they answer (curl
// hides the server's words and prefers OAUTHBEARER even when told XOAUTH2): implicit TLS or
// STARTTLS/STLS, lines in and out, every wait bounded.
import fs from 'node:fs'
import net from 'node:net'
import tls from 'node:tls'

const TIMEOUT_MS = 10_000
const MAX_BUFFER = 256 * 1024

export interface WireTarget {
  host: string
  address: string
  port: number
  caPath: string
  /** true: TLS from the first byte (993/995/465); false: plaintext until upgraded. */
  implicitTls: boolean
}

export class Wire {
  private buffer = ''
  private waiter: (() => void) | null = null
  private closed = false

  private constructor(
    private socket: net.Socket,
    private readonly target: WireTarget,
  ) {
    this.attach(socket)
  }

  static async open(target: WireTarget): Promise<Wire> {
    const socket = target.implicitTls
      ? tls.connect({
          host: target.address,
          port: target.port,
          servername: target.host,
          ca: fs.readFileSync(target.caPath),
        })
      : net.connect({ host: target.address, port: target.port })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`connect ${target.host}:${target.port} timed out`)),
        TIMEOUT_MS,
      )
      socket.once(target.implicitTls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer)
        resolve()
      })
      socket.once('error', (e) => {
        clearTimeout(timer)
        reject(e)
      })
    })
    return new Wire(socket, target)
  }

  private attach(socket: net.Socket): void {
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      this.buffer += chunk
      if (this.buffer.length > MAX_BUFFER) socket.destroy(new Error('server sent too much'))
      this.waiter?.()
    })
    socket.on('close', () => {
      this.closed = true
      this.waiter?.()
    })
    socket.on('error', () => {
      this.closed = true
      this.waiter?.()
    })
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`)
  }

  /** Lines up to and including the first one `last` accepts. */
  async readUntil(last: (line: string) => boolean): Promise<string[]> {
    const deadline = Date.now() + TIMEOUT_MS
    const lines: string[] = []
    for (;;) {
      const nl = this.buffer.indexOf('\r\n')
      if (nl >= 0) {
        const line = this.buffer.slice(0, nl)
        this.buffer = this.buffer.slice(nl + 2)
        lines.push(line)
        if (last(line)) return lines
        continue
      }
      if (this.closed) throw new Error(`connection closed; got: ${lines.join(' | ')}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no complete answer within ${TIMEOUT_MS} ms; got: ${lines.join(' | ')}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiter = () => {
          clearTimeout(timer)
          this.waiter = null
          resolve()
        }
      })
    }
  }

  /** Upgrade after the server agreed to STARTTLS / STLS. */
  async startTls(): Promise<void> {
    this.socket.removeAllListeners('data')
    const secure = tls.connect({
      socket: this.socket,
      servername: this.target.host,
      ca: fs.readFileSync(this.target.caPath),
    })
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve())
      secure.once('error', reject)
    })
    this.socket = secure
    this.buffer = ''
    this.attach(secure)
  }

  close(): void {
    this.socket.destroy()
  }
}

/** SASL XOAUTH2 initial response (Google's format). */
export function xoauth2(user: string, token: string): string {
  return Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64')
}

/** SASL OAUTHBEARER initial response (RFC 7628). */
export function oauthbearer(user: string, token: string, host: string, port: number): string {
  return Buffer.from(`n,a=${user},\x01host=${host}\x01port=${port}\x01auth=Bearer ${token}\x01\x01`).toString(
    'base64',
  )
}
