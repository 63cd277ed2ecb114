// The reference the tunnel is measured against: what a Node user would write in 30 lines. A plain
// TCP listener; each client gets its own tls.connect to the upstream (the lab CA, the host checked
// by Node's default checkServerIdentity against `servername`), joined with pipe() both ways.
// Node's defaults otherwise: no session resumption, no setNoDelay, no filters. Forked like
// tunnel-child.ts, with the same messages: {port} once listening, "measure", "stop".
import fs from 'node:fs'
import net from 'node:net'
import tls from 'node:tls'

const upstream = JSON.parse(process.argv[2] ?? '{}') as {
  address: string
  port: number
  servername: string
  caFile: string
}
const ca = fs.readFileSync(upstream.caFile)
let active = 0

const server = net.createServer((client) => {
  active++
  const socket = tls.connect({
    host: upstream.address,
    port: upstream.port,
    servername: upstream.servername,
    ca,
  })
  client.pipe(socket).pipe(client)
  // An end passes through pipe(); an error or a client gone takes both down.
  client.on('error', () => socket.destroy())
  socket.on('error', () => client.destroy())
  client.once('close', () => {
    active--
    socket.destroy()
  })
})

server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as net.AddressInfo).port }))

process.on('message', (message: string) => {
  if (message === 'measure') {
    global.gc?.()
    const memory = process.memoryUsage()
    const fds = fs.readdirSync('/proc/self/fd').length
    process.send?.({ rss: memory.rss, heapUsed: memory.heapUsed, fds, active })
  } else if (message === 'stop') server.close(() => process.exit(0))
})
