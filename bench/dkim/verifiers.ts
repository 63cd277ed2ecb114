// The verifiers the benchmark times over the same files, each by wall clock:
// - Mailwarden's CLI as a user runs it (a child process, start-up included), `--workers 1`, `2` and
//   the default; its JSON lines are read after the clock stops, so reading them costs the run nothing;
// - mailauth 7.1 as its own process (mailauth-peer.mjs) and as a loop inside this process (the
//   same code, no start-up): the reference the issue's targets are ratios of;
// - dkimpy as its own process (dkimpy-peer.py);
// - the floor: the least a Node verifier must do through the front door (floor-peer.mjs), whose
//   ratio to mailauth's loop bounds every ratio Mailwarden can reach;
// - the machine's ceiling: SHA-256 over every byte plus one signature check per message, in memory,
//   on one core, times the number of cores.
import { spawn } from 'node:child_process'
import { createHash, sign, verify } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { CorpusSet } from './corpus.js'
import type { Algorithm, BenchKeys } from './keys.js'
import { verifyAll } from './mailauth-peer.mjs'

export type InputKind = 'maildir' | 'mbox'

export interface Target {
  set: CorpusSet
  kind: InputKind
  /** The Maildir or the mbox file. */
  path: string
  keyFile: string
}

/** One timed run: how long, and how many messages the verifier said pass. */
export interface Outcome {
  seconds: number
  messages: number
  passed: number
  /** The first few messages that did not pass, or why the run failed, in the verifier's words. */
  failures: string[]
}

export interface Verifier {
  id: string
  /** Column heading. */
  label: string
  run(target: Target): Promise<Outcome>
}

/** A hung verifier is stopped after this long and its figure not printed. */
const RUN_TIMEOUT_MS = 30 * 60_000
const PYTHON = '/usr/bin/python3'
const here = import.meta.dirname

/** Runs a command to its end; stdout is kept as chunks and read after the clock has stopped. */
async function timedProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ seconds: number; code: number | null; stdout: Buffer; stderr: string }> {
  const started = performance.now()
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env, timeout: RUN_TIMEOUT_MS })
  const out: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 4000) stderr += chunk
  })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (exitCode) => resolve(exitCode))
  })
  return { seconds: (performance.now() - started) / 1000, code, stdout: Buffer.concat(out), stderr }
}

interface MailwardenRow {
  path?: string
  offset?: number
  error?: string | null
  verdict?: string
  alignedPass?: boolean
  signatures?: Array<{ result?: string; reason?: string | null }>
  summary?: unknown
}

/** A message passes when it was verified, every signature passes and one is aligned with From. */
function rowPasses(row: MailwardenRow): boolean {
  const signatures = row.signatures ?? []
  return (
    !row.error &&
    row.alignedPass === true &&
    signatures.length > 0 &&
    signatures.every((s) => s.result === 'pass')
  )
}

function rowFailure(row: MailwardenRow): string {
  const where = `${path.basename(row.path ?? '?')}${row.offset !== undefined ? `@${row.offset}` : ''}`
  if (row.error) return `${where}: ${row.error}`
  const reason = (text: string) => (text.length > 120 ? `${text.slice(0, 119)}…` : text)
  const signatures = (row.signatures ?? []).map(
    (s) => `${s.result}${s.reason ? ` (${reason(s.reason)})` : ''}`,
  )
  return `${where}: ${row.verdict ?? '?'}; ${signatures.join(', ') || 'no signature'}`
}

export type Tally = Omit<Outcome, 'seconds'>

/** Counts one line of `--json-lines` output (a row per message, then {"summary"}) into `tally`. */
export function countLine(tally: Tally, line: string): void {
  if (!line) return
  const row = JSON.parse(line) as MailwardenRow
  if (row.summary) return
  tally.messages++
  if (rowPasses(row)) tally.passed++
  else if (tally.failures.length < 3) tally.failures.push(rowFailure(row))
}

export function mailwarden(
  cli: string,
  workers: number | undefined,
  configDir: string,
  label: string,
): Verifier {
  return {
    id: `mailwarden-${workers ?? 'default'}`,
    label,
    async run(target) {
      const args = [cli, 'dkim', 'verify', target.path, '--keys', target.keyFile, '--json-lines']
      if (workers !== undefined) args.push('--workers', String(workers))
      const { seconds, code, stdout, stderr } = await timedProcess(process.execPath, args, {
        ...process.env,
        MAILWARDEN_CONFIG_DIR: configDir,
      })
      const read: Tally = { messages: 0, passed: 0, failures: [] }
      for (const line of stdout.toString('utf8').split('\n')) countLine(read, line)
      // Exit 1 is "some message did not pass", which the rows say; anything else is a failed run.
      if (code !== 0 && code !== 1) read.failures.unshift(`exit ${code}: ${stderr.trim().slice(0, 500)}`)
      return { seconds, ...read }
    },
  }
}

/** A peer script that prints {"messages", "passed", "failures"}. */
function peerProcess(
  id: string,
  label: string,
  command: string,
  script: string,
  extra: string[] = [],
): Verifier {
  return {
    id,
    label,
    async run(target) {
      const { seconds, code, stdout, stderr } = await timedProcess(command, [
        script,
        target.path,
        target.keyFile,
        ...extra,
      ])
      if (code !== 0)
        return { seconds, messages: 0, passed: 0, failures: [`exit ${code}: ${stderr.trim().slice(0, 500)}`] }
      return { seconds, ...(JSON.parse(stdout.toString('utf8')) as Omit<Outcome, 'seconds'>) }
    },
  }
}

export const mailauthProcess = (): Verifier =>
  peerProcess('mailauth-process', 'mailauth proc', process.execPath, path.join(here, 'mailauth-peer.mjs'))

/** The floor (floor-peer.mjs): read, hash and one signature check per message on `threads` threads, start-up included. */
export const floorProcess = (threads: number): Verifier =>
  peerProcess(`floor-${threads}`, `floor x${threads}`, process.execPath, path.join(here, 'floor-peer.mjs'), [
    String(threads),
  ])

export const dkimpyProcess = (): Verifier =>
  peerProcess('dkimpy-process', 'dkimpy proc', PYTHON, path.join(here, 'dkimpy-peer.py'))

/** mailauth in this process: the same walk, split and dkimVerify loop as the peer, without its start-up. */
export function mailauthLoop(): Verifier {
  return {
    id: 'mailauth-loop',
    label: 'mailauth loop',
    async run(target) {
      const keys = await readFile(target.keyFile, 'utf8')
      const started = performance.now()
      const result = await verifyAll(target.path, keys)
      return { seconds: (performance.now() - started) / 1000, ...result }
    },
  }
}

/** A stand-in for the canonical header block a verifier signs over (its size is what matters). */
const SIGNED_HEADERS = Buffer.from(
  'from:"Alice Martin" <alice.martin@bench.example>\r\nto:"Bob Chen" <bob.chen@example.net>\r\n'.repeat(4),
)

/**
 * The machine's ceiling: what no verifier can beat, SHA-256 over all of a message's bytes plus one
 * signature check (RSA-2048 or ed25519, as the message is signed) per message, on one core, times
 * the cores. Messages are read into memory first (not timed): the ceiling has no I/O.
 */
export function ceiling(keys: BenchKeys): Verifier {
  const signatures = new Map<Algorithm, Buffer>()
  for (const key of Object.values(keys))
    signatures.set(
      key.algorithm,
      sign(key.algorithm === 'ed25519-sha256' ? null : 'sha256', SIGNED_HEADERS, key.privateKey),
    )
  const cores = os.availableParallelism()
  return {
    id: 'ceiling',
    label: `ceiling x${cores}`,
    async run(target) {
      const cur = path.join(target.set.maildir, 'cur')
      const messages = await Promise.all((await readdir(cur)).map((name) => readFile(path.join(cur, name))))
      let passed = 0
      const started = performance.now()
      for (const message of messages) {
        createHash('sha256').update(message).digest()
        const algorithm: Algorithm = message.subarray(0, 4096).includes('a=ed25519-sha256')
          ? 'ed25519-sha256'
          : 'rsa-sha256'
        const key = keys[algorithm]
        const digest = algorithm === 'ed25519-sha256' ? null : 'sha256'
        if (verify(digest, SIGNED_HEADERS, key.publicKey, signatures.get(algorithm) as Buffer)) passed++
      }
      const seconds = (performance.now() - started) / 1000
      return { seconds: seconds / cores, messages: messages.length, passed, failures: [] }
    },
  }
}
