// The `mailwarden` command line: global flags, then one command from the registry.

import type { Engine } from '../engine.js'
import { configDir } from '../settings/paths.js'
import { APP_VERSION } from '../version.js'
import type { Command, CommandContext } from './command.js'
import { commands } from './commands/index.js'
import { EXIT, EXIT_CODES_HELP, type ExitCode } from './exit-codes.js'
import { CliError, type Io } from './output.js'

export interface CliEnvironment {
  io: Io
  staticDir: string
  stopSignal: Promise<string>
  readStdin(): Promise<string>
  /** Tests inject an engine; otherwise one is made for the platform's config directory. */
  makeEngine?: (shell: 'web' | 'cli') => Engine
}

async function mainHelp(): Promise<string> {
  const all = await Promise.all(commands.map((c) => c.load()))
  const width = Math.max(...all.map((c) => c.name.length))
  const list = all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')
  return `Mailwarden ${APP_VERSION}: mail server security settings, DKIM verification, secure tunnels.

Usage: mailwarden <command> [options]

Commands:
${list}

Options:
  --json      print data as JSON
  --help, -h  show help (also: mailwarden <command> --help)
  --version   print the version

Settings are kept in ${configDir()} (MAILWARDEN_CONFIG_DIR overrides).

${EXIT_CODES_HELP}`
}

export async function runCli(argv: string[], env: CliEnvironment): Promise<ExitCode> {
  const json = argv.includes('--json')
  const help = argv.includes('--help') || argv.includes('-h')
  const args = argv.filter((a) => a !== '--json' && a !== '--help' && a !== '-h')

  if (args[0] === '--version' || args[0] === '-V') {
    env.io.out(json ? JSON.stringify({ version: APP_VERSION }) : APP_VERSION)
    return EXIT.ok
  }
  const [name, ...rest] = args
  if (!name) {
    if (help) {
      env.io.out(await mainHelp())
      return EXIT.ok
    }
    env.io.err('Missing command; run mailwarden --help to see them.')
    return EXIT.usage
  }
  const entry = commands.find((c) => c.name === name)
  if (!entry) {
    env.io.err(`Unknown command ${JSON.stringify(name)}; run mailwarden --help to see the commands.`)
    return EXIT.usage
  }
  const command: Command = await entry.load()
  if (help) {
    env.io.out(command.usageOf?.(args.slice(1)) ?? command.usage)
    return EXIT.ok
  }

  let engine: Promise<Engine> | undefined
  const shell = command.name === 'ui' ? 'web' : 'cli'
  const context: CommandContext = {
    io: env.io,
    json,
    staticDir: env.staticDir,
    stopSignal: env.stopSignal,
    readStdin: env.readStdin,
    engine: () => {
      engine ??= env.makeEngine
        ? Promise.resolve(env.makeEngine(shell))
        : import('../engine.js').then(({ createEngine }) =>
            createEngine({ configDir: configDir(), shell, logEcho: shell === 'web' ? 'info' : 'warn' }),
          )
      return engine
    },
  }
  try {
    return await command.run(rest, context)
  } catch (error) {
    if (error instanceof CliError) {
      env.io.err(error.message)
      return error.exitCode
    }
    // node:util parseArgs errors are usage errors with a readable message.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      env.io.err(`${error.message.split('\n')[0]} (see mailwarden ${command.name} --help)`)
      return EXIT.usage
    }
    env.io.err(`Internal error: ${error instanceof Error ? error.message : String(error)}`)
    return EXIT.internal
  } finally {
    // Tunnels, runs and sockets the command left: closed before the process exits.
    await engine?.then(
      (made) => made.dispose(),
      () => {},
    )
  }
}
