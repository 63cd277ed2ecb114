// Process entry of the CLI bundle (dist/cli.mjs): wires the real process into runCli.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCli } from './main.js'
import { processIo } from './output.js'
import { readSecret } from './read-secret.js'

const here = path.dirname(fileURLToPath(import.meta.url))

const stopSignal = new Promise<string>((resolve) => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal))
})

runCli(process.argv.slice(2), {
  io: processIo,
  staticDir: process.env.MAILWARDEN_RENDERER_DIR ?? path.join(here, 'renderer'),
  stopSignal,
  readStdin: () => readSecret(),
}).then(
  (code) => {
    process.exitCode = code
    // The web host is closed by now; anything left (a stray timer) must not keep us alive.
    if (process.argv[2] === 'ui') setImmediate(() => process.exit(code))
  },
  (error: unknown) => {
    process.stderr.write(`Internal error: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 4
  },
)
