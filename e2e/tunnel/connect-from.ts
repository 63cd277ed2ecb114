// A raw client of a tunnel from a chosen loopback source address (127.0.0.6 and the like: a
// listener on 0.0.0.0 sees each as a different client, so the allowlist can refuse it).
import net from 'node:net'

/** Connects to 127.0.0.1:`port` from `localAddress`; resolves with all it was told once closed. */
export function connectFrom(localAddress: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress })
    let text = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(text))
    setTimeout(() => socket.destroy(), 5_000).unref()
  })
}
