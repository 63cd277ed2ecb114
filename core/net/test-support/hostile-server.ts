// Loopback servers that misbehave on purpose, for the tests of everything that reads from the
// network (the STARTTLS upgrader, the probe, the tunnel). Each binds 127.0.0.1 on a free port;
// `closeAll()` (in afterEach) destroys every socket and server they made.
import net from 'node:net'
import tls from 'node:tls'

export type OnConnect = (socket: net.Socket) => void

export interface HostileServers {
  /** Starts a server running `onConnect` for each connection; resolves to its port. */
  serve(onConnect: OnConnect): Promise<number>
  /** Connections the servers still hold open (a client that left none behind leaves 0). */
  readonly openSockets: number
  /** A loopback port nothing listens on (bound, then closed). */
  freePort(): Promise<number>
  closeAll(): Promise<void>
}

export function hostileServers(): HostileServers {
  const servers: net.Server[] = []
  const sockets = new Set<net.Socket>()
  return {
    async serve(onConnect) {
      const server = net.createServer((socket) => {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
        socket.on('error', () => {})
        onConnect(socket)
      })
      servers.push(server)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      return (server.address() as net.AddressInfo).port
    },
    get openSockets() {
      return sockets.size
    },
    async freePort() {
      const server = net.createServer()
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as net.AddressInfo
      await new Promise((resolve) => server.close(resolve))
      return port
    },
    async closeAll() {
      for (const socket of sockets) socket.destroy()
      sockets.clear()
      await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
    },
  }
}

/** A line server: `greet` on connect, then `answer(line, socket)` for each command line. */
export function lines(greet: string, answer: (line: string, socket: net.Socket) => void): OnConnect {
  return (socket) => {
    socket.write(greet)
    let buffer = ''
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1')
      let lf = buffer.indexOf('\n')
      while (lf !== -1) {
        const line = buffer.slice(0, lf).replace(/\r$/, '')
        buffer = buffer.slice(lf + 1)
        answer(line, socket)
        lf = buffer.indexOf('\n')
      }
    })
  }
}

/** Where a STARTTLS line server is: before or after its TLS handshake. */
export interface LineState {
  tls: boolean
  write(text: string): void
  end(text?: string): void
}

/**
 * A line server that can really upgrade: `answer(line, state)` for each command line; when it
 * returns 'upgrade' (after writing its OK), the connection becomes TLS with `key`/`cert` and the
 * lines continue over it with `state.tls` true.
 */
export function startTlsLines(
  greet: string,
  credentials: { key: string; cert: string },
  answer: (line: string, state: LineState) => 'upgrade' | undefined,
): OnConnect {
  return (socket) => {
    socket.write(greet)
    const listen = (stream: net.Socket, secure: boolean) => {
      const state: LineState = {
        tls: secure,
        write: (text) => stream.write(text),
        end: (text) => (text === undefined ? stream.end() : stream.end(text)),
      }
      let buffer = ''
      const onData = (chunk: Buffer) => {
        buffer += chunk.toString('latin1')
        let lf = buffer.indexOf('\n')
        while (lf !== -1) {
          const line = buffer.slice(0, lf).replace(/\r$/, '')
          buffer = buffer.slice(lf + 1)
          if (answer(line, state) === 'upgrade' && !secure) {
            stream.off('data', onData)
            const upgraded = new tls.TLSSocket(stream, { isServer: true, ...credentials })
            upgraded.on('error', () => {})
            listen(upgraded, true)
            return
          }
          lf = buffer.indexOf('\n')
        }
      }
      stream.on('data', onData)
    }
    listen(socket, false)
  }
}
