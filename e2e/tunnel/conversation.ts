// A scripted client for the tunnel's tests: send a line (or raw bytes), then wait until what came
// back since the last wait matches; every wait is bounded, and its failure shows what did arrive.
import net from 'node:net'

export class Conversation {
  readonly socket: net.Socket
  #received = ''
  #seen = 0
  #closed = false
  readonly #wake = new Set<() => void>()

  private constructor(socket: net.Socket) {
    this.socket = socket
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      this.#received += chunk
      for (const wake of this.#wake) wake()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      this.#closed = true
      for (const wake of this.#wake) wake()
    })
  }

  static open(port: number): Promise<Conversation> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new Conversation(socket)))
      socket.once('error', reject)
    })
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`, 'latin1')
  }

  sendRaw(bytes: string): void {
    this.socket.write(bytes, 'latin1')
  }

  /** What arrived since the last wait, once it matches `pattern` (else rejects with it). */
  wait(pattern: RegExp, timeoutMs = 5_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const fresh = this.#received.slice(this.#seen)
        if (pattern.test(fresh)) {
          done()
          this.#seen = this.#received.length
          resolve(fresh)
        } else if (this.#closed) {
          done()
          reject(new Error(`closed before ${pattern}; got ${JSON.stringify(fresh)}`))
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(
          new Error(
            `no ${pattern} within ${timeoutMs} ms; got ${JSON.stringify(this.#received.slice(this.#seen))}`,
          ),
        )
      }, timeoutMs)
      const done = () => {
        clearTimeout(timer)
        this.#wake.delete(check)
      }
      this.#wake.add(check)
      check()
    })
  }

  /** Resolves with what arrived since the last wait once the tunnel closed the connection. */
  closed(timeoutMs = 5_000): Promise<string> {
    return this.wait(/(?!)/, timeoutMs).catch((error: Error) => {
      if (!this.#closed) throw error
      return this.#received.slice(this.#seen)
    })
  }

  end(): void {
    this.socket.end()
  }
}
