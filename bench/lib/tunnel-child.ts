// The tunnel under benchmark, alone in its own process so its memory and descriptors can be read:
// started with a TunnelConfig (JSON in argv), it sends {port} once listening and answers each
// "measure" message with its RSS, heap and open descriptors.
import fs from 'node:fs'
import { cachedResolve, trustPolicy } from '../../core/tunnel/runtime.js'
import { Tunnel } from '../../core/tunnel/tunnel.js'
import { TunnelConfig } from '../../shared/contract/tunnel-config.js'

const config = TunnelConfig.parse(JSON.parse(process.argv[2] ?? '{}'))
const address = process.argv[3] ?? config.upstreamHost
const tunnel = new Tunnel(config, {
  trust: await trustPolicy(config, null),
  timeoutMs: 10_000,
  resolve: cachedResolve(async () => ({
    description: 'bench',
    addresses: async () => [address],
    mx: async () => [],
    srv: async () => [],
    txt: async () => [],
  })),
  onRecord: () => {},
  warn: (message) => process.stderr.write(`tunnel: ${message}\n`),
})
const { port } = await tunnel.start()
process.send?.({ port })
process.on('message', async (message: string) => {
  if (message === 'measure') {
    global.gc?.()
    const memory = process.memoryUsage()
    process.send?.({
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      fds: fs.readdirSync('/proc/self/fd').length,
      active: tunnel.stats().active,
    })
  } else if (message === 'stop') {
    await tunnel.stop()
    process.exit(0)
  }
})
