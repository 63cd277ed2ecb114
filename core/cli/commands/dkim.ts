// `mailwarden dkim verify`: one message (a file or -) explained in full, or many (several files,
// a directory of .eml, an mbox, a Maildir) verified on every core with one line each.
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type { DkimReport } from '../../../shared/contract/dkim.js'
import { dnsServerProblem } from '../../../shared/contract/dns-server.js'
import { expandPaths, isMboxFile, type MboxFormat, verifyItems } from '../../dkim/archive/index.js'
import { jsonShape } from '../../dkim/archive/printed.js'
import { parseShard, type Shard, shardItems } from '../../dkim/archive/shard.js'
import {
  cachedKeySource,
  DkimInputError,
  dnsKeySource,
  isLearning,
  type KeySource,
  keyFileSource,
  keyStore,
  verifyMessage,
} from '../../dkim/index.js'
import { MAX_KEY_FILE_BYTES } from '../../dkim/limits.js'
import type { Command, CommandContext } from '../command.js'
import { EXIT, type ExitCode } from '../exit-codes.js'
import { CliError, usageError } from '../output.js'
import { KEYGEN_USAGE } from './dkim-keygen-usage.js'
import { formatReport } from './dkim-report.js'

/** "1 message", "2 messages". */
const count = (n: number) => `${n} message${n === 1 ? '' : 's'}`

/** The progress line appears only after this long (a quick run prints nothing extra). */
export const PROGRESS_DELAY_MS = 1000
/** The progress line is redrawn at most this often (a terminal is slow to write to). */
const PROGRESS_INTERVAL_MS = 150
/** JSON lines are written in chunks of about this many characters... */
const ROWS_FLUSH_CHARS = 64 * 1024
/** ...or after this long, whichever comes first. */
const ROWS_FLUSH_MS = 200
/** Standard input holds one message; beyond this it is not one (the engine's own bound is for files). */
export const MAX_STDIN_BYTES = 256 * 1024 * 1024

const USAGE = `mailwarden dkim verify <FILE.eml | - | PATH...> [--dns HOST[:PORT]] [--keys FILE] [--at DATE]
                       [--json | --json-lines] [--mbox-format mboxrd|mboxo] [--workers N]
                       [--shard I/N]

Verifies every DKIM signature of a message, locally. One file (or - for standard input) is
explained in full: the verdict first, then each signature and the findings. Several files, a
directory of .eml files, an mbox file or a Maildir (cur/ and new/) are verified on every core,
one line per message, with a summary.

  --dns HOST[:PORT]   fetch keys from this DNS server (default: the dnsServer setting, else the system's)
  --keys FILE         take keys from a file of "NAME TXT-VALUE" lines instead of DNS (offline, archived keys)
  --at DATE           judge expiry as of DATE (ISO 8601); default: the topmost Received time, else now
  --json              one JSON object (for many messages: {"messages": [...], "summary": {...}})
  --json-lines        one JSON object per message (with its path, and offset in an mbox), a summary last
  --mbox-format F     how the mbox escapes "From " lines: mboxrd (default) or mboxo
  --workers N         threads for many messages (default: one per core; 0: none)
  --shard I/N         verify only the I-th of N disjoint parts of the input (files by path, mbox
                      messages by position): N runs, on as many machines, give one run's results

Keys seen are remembered in the config directory (dkim-keys.json), so old mail still verifies
after the domain rotates its key, and a changed key is pointed out (not with --keys).

A big archive (100,000 messages and more) uses less memory and runs faster when Node starts with
a smaller young generation: NODE_OPTIONS=--max-semi-space-size=4 mailwarden dkim verify ...

Exit codes: 0 a signature aligned with From passes (for many messages: for every one of them),
1 otherwise, 2 unusable input or arguments.

${KEYGEN_USAGE}`

function parseAt(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined
  const at = new Date(text)
  if (Number.isNaN(at.getTime()))
    throw usageError(
      `--at must be a date such as 2024-05-01 or 2024-05-01T12:00:00Z, not ${JSON.stringify(text)}.`,
    )
  return at
}

function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0 || n > 64)
    throw usageError(`--workers must be a number from 0 to 64, not ${JSON.stringify(text)}.`)
  return n
}

async function keySourceFor(
  values: { dns?: string; keys?: string },
  context: CommandContext,
): Promise<KeySource> {
  if (values.keys !== undefined && values.dns !== undefined)
    throw usageError('Use --keys or --dns, not both.')
  if (values.keys !== undefined) {
    let text: string
    try {
      const info = await stat(values.keys)
      if (info.size > MAX_KEY_FILE_BYTES)
        throw usageError(
          `The key file ${values.keys} is larger than ${MAX_KEY_FILE_BYTES} bytes; it is not a key file.`,
        )
      text = await readFile(values.keys, 'utf8')
    } catch (error) {
      if (error instanceof CliError) throw error
      throw usageError(
        `Cannot read the key file ${values.keys}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((error as Error).message)}.`,
      )
    }
    try {
      return keyFileSource(text)
    } catch (error) {
      throw usageError(`The key file ${values.keys} is not usable: ${(error as Error).message}`)
    }
  }
  if (values.dns !== undefined) {
    const problem = dnsServerProblem(values.dns)
    if (problem)
      throw usageError(
        `--dns must be an IP address with an optional port, such as 127.0.0.53:53 or [::1]:53, not ${JSON.stringify(values.dns)}.`,
      )
  }
  const engine = await context.engine()
  const resolver = await engine.context.resolver(values.dns ?? null)
  return keyStore(engine.context.options.configDir, dnsKeySource(resolver))
}

async function readStdinBytes(stdin: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : (chunk as Buffer)
    size += b.length
    if (size > MAX_STDIN_BYTES)
      throw usageError(
        `Standard input is larger than ${MAX_STDIN_BYTES / 1024 / 1024} MiB; pass a file instead.`,
      )
    chunks.push(b)
  }
  return Buffer.concat(chunks)
}

/** Where the one-message mode reads its bytes: a path (streamed) or standard input. */
async function singleTarget(paths: string[]): Promise<'stdin' | string | null> {
  if (paths.length !== 1) return null
  const [only] = paths as [string]
  if (only === '-') return 'stdin'
  try {
    const info = await stat(only)
    if (!info.isFile()) return null
    return (await isMboxFile(only)) ? null : only
  } catch (error) {
    // One path that cannot be read is unusable input, said in one sentence (several: one row each).
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'no such file or directory'
        : code === 'EACCES'
          ? 'permission denied'
          : (error as Error).message
    throw usageError(`Cannot read ${only}: ${why}.`)
  }
}

export interface DkimCommandOptions {
  stdin?: NodeJS.ReadableStream
  /** Where the progress line goes; it is drawn only when this is a TTY. */
  progress?: NodeJS.WriteStream
}

export function makeDkimCommand(options: DkimCommandOptions = {}): Command {
  return {
    name: 'dkim',
    summary: 'Verify the DKIM signatures of a message, a folder, an mbox or a Maildir; make a signing key',
    usage: USAGE,
    usageOf: (args) => (args[0] === 'keygen' ? KEYGEN_USAGE : null),
    async run(args, context) {
      const [action, ...rest] = args
      // keygen lives in its own file, loaded only when asked for (verify stays lean).
      if (action === 'keygen') return (await import('./dkim-keygen.js')).runKeygenCommand(rest, context)
      if (action !== 'verify')
        throw usageError(
          `Unknown dkim action ${JSON.stringify(action ?? '')}; use: mailwarden dkim verify FILE, or dkim keygen.`,
        )
      const { values, positionals } = parseArgs({
        args: rest,
        options: {
          dns: { type: 'string' },
          keys: { type: 'string' },
          at: { type: 'string' },
          'json-lines': { type: 'boolean' },
          'mbox-format': { type: 'string' },
          workers: { type: 'string' },
          shard: { type: 'string' },
        },
        allowPositionals: true,
        strict: true,
      })
      if (positionals.length === 0)
        throw usageError('dkim verify needs a message: a file, - for standard input, or a folder or mbox.')
      if (context.json && values['json-lines']) throw usageError('Use --json or --json-lines, not both.')
      const format = values['mbox-format']
      if (format !== undefined && format !== 'mboxrd' && format !== 'mboxo')
        throw usageError(`--mbox-format is mboxrd or mboxo, not ${JSON.stringify(format)}.`)
      const at = parseAt(values.at)
      const workers = parseWorkers(values.workers)
      const shard = values.shard === undefined ? undefined : parseShard(values.shard)
      if (shard === null)
        throw usageError(`--shard is I/N with 1 <= I <= N, such as 2/8, not ${JSON.stringify(values.shard)}.`)
      if (positionals.includes('-') && positionals.length > 1)
        throw usageError('- (standard input) cannot be combined with other paths.')
      const keys = cachedKeySource(await keySourceFor(values, context))
      try {
        const single = shard ? null : await singleTarget(positionals)
        if (single !== null)
          return await verifyOne(single, keys, at, context, values['json-lines'] === true, options)
        return await verifyMany(
          positionals,
          keys,
          { at, workers, shard, mboxFormat: format, jsonLines: values['json-lines'] === true },
          context,
          options,
        )
      } finally {
        if (isLearning(keys))
          await keys
            .save()
            .catch((error: unknown) =>
              context.io.err(`Could not save the key store: ${(error as Error).message}`),
            )
      }
    },
  }
}

async function verifyOne(
  target: string,
  keys: KeySource,
  at: Date | undefined,
  context: CommandContext,
  jsonLines: boolean,
  options: DkimCommandOptions,
): Promise<ExitCode> {
  let report: DkimReport
  try {
    const input =
      target === 'stdin'
        ? await readStdinBytes(options.stdin ?? process.stdin)
        : createReadStream(target, { highWaterMark: 1024 * 1024 })
    report = await verifyMessage(input, { keys, ...(at ? { at } : {}) })
  } catch (error) {
    if (error instanceof CliError) throw error
    const name = target === 'stdin' ? 'Standard input' : target
    if (error instanceof DkimInputError) throw usageError(`${name}: ${error.message}`)
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
      throw usageError(`Cannot read ${name}: ${(error as Error).message}.`)
    throw error
  }
  const path = target === 'stdin' ? '-' : target
  if (jsonLines) {
    context.io.out(JSON.stringify({ path, ...jsonShape(report) }))
    context.io.out(
      JSON.stringify({
        summary: summaryOf([{ alignedPass: report.alignedPass, verdict: report.verdict, error: null }], 0),
      }),
    )
  } else if (context.json) context.io.out(JSON.stringify(jsonShape(report)))
  else context.io.out(formatReport(report))
  return report.alignedPass ? EXIT.ok : EXIT.findings
}

interface Tally {
  alignedPass: boolean
  verdict: string | null
  error: string | null
}

/** What a run of many messages came to, counted as the results come (a run may be millions long). */
class Summary {
  messages = 0
  alignedPass = 0
  notPassing = 0
  unusable = 0
  firstError: string | null = null
  readonly verdicts: Record<string, number> = {}

  add(row: Tally): void {
    this.messages++
    if (row.error) {
      this.unusable++
      this.firstError ??= row.error
    } else if (row.alignedPass) this.alignedPass++
    else this.notPassing++
    if (row.verdict) this.verdicts[row.verdict] = (this.verdicts[row.verdict] ?? 0) + 1
  }

  json(elapsedMs: number, extra: Record<string, number> = {}) {
    const { messages, alignedPass, notPassing, unusable, verdicts } = this
    return { messages, alignedPass, notPassing, unusable, verdicts, elapsedMs, ...extra }
  }
}

function summaryOf(rows: Tally[], elapsedMs: number) {
  const summary = new Summary()
  for (const row of rows) summary.add(row)
  return summary.json(elapsedMs)
}

/**
 * JSON lines go out in writes of many lines (one write per line was a tenth of a run over small
 * messages), and at least every ROWS_FLUSH_MS so that a reader of a slow run sees it move.
 */
class RowWriter {
  #lines: string[] = []
  #chars = 0
  #timer: NodeJS.Timeout | null = null
  readonly #out: (text: string) => void

  constructor(out: (text: string) => void) {
    this.#out = out
  }

  write(line: string): void {
    this.#lines.push(line)
    this.#chars += line.length
    if (this.#chars >= ROWS_FLUSH_CHARS) this.flush()
    else this.#timer ??= setTimeout(() => this.flush(), ROWS_FLUSH_MS)
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    if (this.#lines.length > 0) this.#out(this.#lines.join('\n'))
    this.#lines = []
    this.#chars = 0
  }
}

async function verifyMany(
  paths: string[],
  keys: KeySource,
  settings: { at?: Date; workers?: number; shard?: Shard; mboxFormat?: MboxFormat; jsonLines: boolean },
  context: CommandContext,
  options: DkimCommandOptions,
): Promise<ExitCode> {
  const started = Date.now()
  const tally = new Summary()
  const all: string[] = []
  const rows = new RowWriter(context.io.out)
  let threads = 0
  const progress = progressLine(options.progress ?? process.stderr, started)
  const controller = new AbortController()
  void context.stopSignal.then(() => controller.abort())
  const everything = expandPaths(paths, {
    ...(settings.mboxFormat ? { mboxFormat: settings.mboxFormat } : {}),
    signal: controller.signal,
  })
  const items = settings.shard ? shardItems(everything, settings.shard) : everything
  try {
    for await (const result of verifyItems(items, {
      keys,
      ...(settings.at ? { at: settings.at } : {}),
      ...(settings.workers !== undefined ? { workers: settings.workers } : {}),
      signal: controller.signal,
      // The verifier threads make each row: only its text comes back to this thread.
      print: settings.jsonLines || context.json ? 'json' : 'text',
      onThreads: (n) => {
        threads = n
      },
    })) {
      tally.add(result)
      progress.update(tally.messages)
      const row = result.printed ?? ''
      if (context.json && !settings.jsonLines) all.push(row)
      else if (settings.jsonLines) rows.write(row)
      else {
        // Text rows share the terminal with the progress line: each is written as it comes.
        progress.clear()
        context.io.out(row)
      }
    }
  } catch (error) {
    if (controller.signal.aborted) {
      rows.flush()
      progress.clear()
      context.io.err(`Stopped after ${count(tally.messages)}.`)
      return EXIT.findings
    }
    throw error
  } finally {
    rows.flush()
    progress.clear()
  }
  const summary = tally.json(Date.now() - started, { threads })
  // A part of a split input may hold nothing; that is not an error of the whole.
  if (summary.messages === 0 && !settings.shard) throw usageError(`No messages found in ${paths.join(', ')}.`)
  if (settings.jsonLines) context.io.out(JSON.stringify({ summary }))
  else if (context.json)
    context.io.out(`{"messages":[${all.join(',')}],"summary":${JSON.stringify(summary)}}`)
  else
    context.io.out(
      `\n${count(summary.messages)}: ${summary.alignedPass} pass (aligned with From), ${summary.notPassing} do not, ${summary.unusable} unusable (${(summary.elapsedMs / 1000).toFixed(1)} s).`,
    )
  if (summary.messages > 0 && summary.unusable === summary.messages) {
    // Nothing could be read at all: the input is unusable, not the mail bad.
    context.io.err(`No message could be verified: ${tally.firstError ?? 'unusable input'}`)
    return EXIT.usage
  }
  return summary.alignedPass === summary.messages ? EXIT.ok : EXIT.findings
}

/** "Verifying: 1234 messages, 850/s" on a TTY, after PROGRESS_DELAY_MS; nothing otherwise. */
export function progressLine(stream: NodeJS.WriteStream, started: number) {
  let shownAt = 0
  let visible = false
  return {
    update(count: number) {
      if (!stream.isTTY) return
      const now = Date.now()
      if (now - started < PROGRESS_DELAY_MS || now - shownAt < PROGRESS_INTERVAL_MS) return
      shownAt = now
      const rate = Math.round(count / ((now - started) / 1000))
      const width = 20
      const filled = Math.floor((count / 50) % (width + 1))
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count} messages, ${rate}/s `)
      visible = true
    },
    clear() {
      if (visible) stream.write('\r\u001b[K')
      visible = false
    },
  }
}

export const dkimCommand = makeDkimCommand()
