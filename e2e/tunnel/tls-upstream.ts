// What the tunnel's own test servers share (the IMAP one here, the benchmark's POP3 and SMTP ones):
// implicit TLS with a lab certificate on a lab address (verified by every relay against the lab
// CA), the open sessions counted and closed on close(), and a large buffer written in slices with
// backpressure (no copy, no 64 MiB TLS write at once).
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import tls from 'node:tls'

export interface TlsUpstream {
  port: number
  /** Sessions open now. */
  readonly open: number
  close(): Promise<void>
}

export async function startTlsUpstream(
  options: { certDir: string; certName: string; host: string },
  onSession: (socket: tls.TLSSocket) => void,
): Promise<TlsUpstream> {
  const sockets = new Set<tls.TLSSocket>()
  const server = tls.createServer(
    {
      cert: fs.readFileSync(path.join(options.certDir, `${options.certName}.pem`)),
      key: fs.readFileSync(path.join(options.certDir, `${options.certName}.key`)),
      minVersion: 'TLSv1.2',
    },
    (socket) => {
      sockets.add(socket)
      socket.setNoDelay(true)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => socket.destroy())
      onSession(socket)
    },
  )
  await new Promise<void>((resolve) => server.listen({ host: options.host, port: 0, backlog: 4096 }, resolve))
  return {
    port: (server.address() as AddressInfo).port,
    get open() {
      return sockets.size
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

const SLICE = 256 * 1024

export function sendSliced(socket: tls.TLSSocket, data: Buffer, done: () => void): void {
  let at = 0
  const pump = () => {
    while (at < data.length) {
      const slice = data.subarray(at, at + SLICE)
      at += slice.length
      if (!socket.write(slice)) {
        socket.once('drain', pump)
        return
      }
    }
    done()
  }
  pump()
}

/** Calls `onLine` with each line of what the client sends, without its CRLF (commands only). */
export function readLines(socket: tls.TLSSocket, onLine: (line: string) => void): void {
  let buffer = ''
  socket.setEncoding('latin1')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    for (let lf = buffer.indexOf('\n'); lf !== -1; lf = buffer.indexOf('\n')) {
      const line = buffer.slice(0, lf).replace(/\r$/, '')
      buffer = buffer.slice(lf + 1)
      onLine(line)
    }
  })
}
