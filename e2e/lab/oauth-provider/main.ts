// The lab's provider as a process: `node --import tsx main.ts <config.json>`, started by the lab
// (e2e/lab/oauth-servers.ts). The config file lives in the lab state dir, which is how `lab:down`
// recognises this process as the lab's.
import fs from 'node:fs'
import { startLabProvider } from './provider.js'

interface ProcessConfig {
  cert: string
  key: string
  address: string
  port: number
}

const file = process.argv[2]
if (!file) {
  console.error('usage: main.ts <config.json>')
  process.exit(2)
}
const config = JSON.parse(fs.readFileSync(file, 'utf8')) as ProcessConfig
const running = await startLabProvider(config)
running.provider.on('server_error', (_ctx, err) => console.error('server_error', err))
console.error(`oauth provider listening on ${running.listening.address}:${running.listening.port}`)
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    running.close().finally(() => process.exit(0))
  })
}
