// npm run lab:up | lab:down | lab:status. Errors are one line that says what to do.
// `ensure-up` is for orchestrators (npm test): exit 0 when it started the lab, ALREADY_UP when
// someone else had, so that only the one who started it takes it down.
import { LabError } from './exec.js'
import { down, up } from './lifecycle.js'
import { status } from './status.js'

export const ALREADY_UP = 10

async function main(cmd: string | undefined): Promise<number> {
  switch (cmd) {
    case 'up':
      await up()
      return 0
    case 'ensure-up':
      return (await up()).started ? 0 : ALREADY_UP
    case 'down':
      await down()
      return 0
    case 'status':
      return status()
    default:
      console.error('usage: tsx e2e/lab/cli.ts up|down|status|ensure-up')
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
