// The CLI run in-process as `mailwarden` runs it (runCli with a real engine), for tests: a fresh
// temporary directory serves as the static dir and holds the config, output is collected per run.
// Registers its own before/after hooks, so call it at the top level of a test file.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { createEngine } from '../../engine.js'
import type { ExitCode } from '../exit-codes.js'
import { runCli } from '../main.js'

export interface CliRun {
  code: ExitCode
  /** What the command printed, lines joined with "\n". */
  out: string
  err: string
}

export interface InProcessCliOptions {
  /** Keep the config in this folder of the temp dir rather than the temp dir itself, so files a
   * test writes next to it are never mistaken for config. */
  configSubdir?: string
  /** A new temp dir for every test (beforeEach/afterEach) rather than one for the whole file. */
  eachTest?: boolean
}

export interface InProcessCli {
  /** Runs the CLI with a stop signal that never fires; argv as one array or as arguments. */
  cli(...argv: string[] | [string[]]): Promise<CliRun>
  /** Runs the CLI until `stopSignal` resolves (a signal name, as Ctrl-C gives). */
  cliStopped(stopSignal: Promise<string>, ...argv: string[]): Promise<CliRun>
  /** The temp dir of the current test or file. */
  dir(): string
  /** Where the engine keeps its config (settings, key store). */
  configDir(): string
}

export function inProcessCli(prefix: string, options: InProcessCliOptions = {}): InProcessCli {
  let dir: string | undefined
  const [before, after] = options.eachTest ? [beforeEach, afterEach] : [beforeAll, afterAll]
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), prefix))
  })
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })
  const current = (): string => {
    if (!dir) throw new Error('inProcessCli: the temp dir exists only while a test runs')
    return dir
  }
  const configDir = () => (options.configSubdir ? path.join(current(), options.configSubdir) : current())

  async function cliStopped(stopSignal: Promise<string>, ...argv: string[]): Promise<CliRun> {
    const out: string[] = []
    const err: string[] = []
    const code = await runCli(argv, {
      io: { out: (t) => out.push(t), err: (t) => err.push(t) },
      staticDir: current(),
      stopSignal,
      readStdin: async () => '',
      makeEngine: (shell) => createEngine({ configDir: configDir(), shell }),
    })
    return { code, out: out.join('\n'), err: err.join('\n') }
  }

  return {
    cli: (...argv) => {
      const args = Array.isArray(argv[0]) ? argv[0] : (argv as string[])
      return cliStopped(new Promise(() => {}), ...args)
    },
    cliStopped,
    dir: current,
    configDir,
  }
}
