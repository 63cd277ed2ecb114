// One command per file; each declares its name, help and how it runs.
import type { Engine } from '../engine.js'
import type { ExitCode } from './exit-codes.js'
import type { Io } from './output.js'

export interface CommandContext {
  io: Io
  json: boolean
  /** Built (and its code loaded) on first use: `--help`, `--version` and `dkim verify --keys` need no engine. */
  engine(): Promise<Engine>
  /** Where the built renderer lives (dist/renderer next to the CLI bundle). */
  staticDir: string
  /** Resolves when the user asks to stop (SIGINT/SIGTERM). */
  stopSignal: Promise<string>
  readStdin(): Promise<string>
}

export interface Command {
  name: string
  summary: string
  usage: string
  /** The help of one action (`dkim keygen --help`), when it has its own; else `usage`. */
  usageOf?(args: string[]): string | null
  run(args: string[], context: CommandContext): Promise<ExitCode>
}
