// Loopback servers that misbehave on purpose, for the tests of everything that reads from the
// network (the STARTTLS upgrader, the probe, the tunnel). Each binds 127.0.0.1 on a free port;
// `closeAll()` (in afterEach) destroys every socket and server they made.
import net from 'node:net'

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
