import { parseArgs } from 'node:util'
import { PortInUseError, startWebHost } from '../../webhost/server.js'
import type { Command } from '../command.js'
import { EXIT } from '../exit-codes.js'
import { openBrowser } from '../open-browser.js'
import { CliError, usageError } from '../output.js'

export const uiCommand: Command = {
  name: 'ui',
  summary: 'Serve the Mailwarden window as a browser tab on 127.0.0.1',
  usage: `mailwarden ui [--port N] [--no-open] [--json]

Serves the app on 127.0.0.1 (never another interface) and prints its address with a fresh
secret token. Opens the default browser unless --no-open. Stops on Ctrl-C.

  --port N    listen on port N (default: a free port)
  --no-open   do not open a browser
  --json      print {"url","port"} instead of a sentence`,
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: { port: { type: 'string' }, 'no-open': { type: 'boolean' } },
      strict: true,
    })
    const port = values.port === undefined ? 0 : Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw usageError(`--port must be 0-65535, not ${values.port}.`)

    const engine = await context.engine()
    // Ready means ready: the settings are read (and a corrupt file set aside, with its notice)
    // before the address is given, not by a start-up task that may run after the first page loads.
    await engine.settings.load()
    let host: Awaited<ReturnType<typeof startWebHost>>
    try {
      host = await startWebHost({ engine, staticDir: context.staticDir, port })
    } catch (error) {
      if (error instanceof PortInUseError) throw new CliError(error.message, EXIT.environment)
      throw error
    }
    context.io.out(
      context.json
        ? JSON.stringify({ url: host.url, port: host.port })
        : `Mailwarden is running at ${host.url}`,
    )
    if (!values['no-open'] && !(await openBrowser(host.url))) {
      context.io.err('Could not open a browser; open the address above yourself.')
    }
    const signal = await context.stopSignal
    engine.log.info('webhost', `Stopping on ${signal}.`)
    await host.close()
    return EXIT.ok
  },
}
