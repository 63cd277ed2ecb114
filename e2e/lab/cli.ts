// npm run lab:up | lab:down | lab:status. Errors are one line that says what to do.
import { LabError } from './exec.js'
import { down, up } from './lifecycle.js'
import { status } from './status.js'

async function main(cmd: string | undefined): Promise<number> {
  switch (cmd) {
    case 'up':
      await up()
      return 0
    case 'down':
      await down()
      return 0
    case 'status':
      return status()
    default:
      console.error('usage: tsx e2e/lab/cli.ts up|down|status')
      return 2
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const msg =
      err instanceof LabError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)
    console.error(`lab: ${msg}`)
    process.exit(1)
  },
)
