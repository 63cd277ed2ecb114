// Peak memory (--memory): `mailwarden dkim verify` with its default workers on a 1 GB mbox (the 50 KB
// messages over and over) and on a Maildir of 100,000 small files (the 1 KB messages over and
// over), peak RSS by /usr/bin/time -v, or by polling /proc/PID/status (VmHWM) where it is missing.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream, existsSync } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { CorpusSet } from './corpus.js'
import { escapeMboxrd, MBOX_FROM_LINE } from './mbox.js'
import { perSecond, TARGETS } from './report.js'
import { countLine, type Tally } from './verifiers.js'

const GNU_TIME = '/usr/bin/time'
/** What docs/dkim.md advises for a long run: the main thread's young generation held at 4 MB. */
const BIG_RUN_NODE_OPTIONS = '--max-semi-space-size=4'

interface PeakRun extends Tally {
  seconds: number
  peakMb: number
  how: string
}

async function namesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort()
}

/** An mbox of at least `bytes` bytes: the set's messages again and again. Kept when already there. */
async function bigMbox(dir: string, set: CorpusSet, bytes: number): Promise<string> {
  const file = path.join(dir, `big-${Math.round(bytes / 2 ** 20)}MB.mbox`)
  if (existsSync(file) && (await stat(file)).size >= bytes) return file
  const cur = path.join(set.maildir, 'cur')
  const entries = await Promise.all(
    (await namesIn(cur)).map(async (name) =>
      Buffer.from(
        `${MBOX_FROM_LINE}\r\n${escapeMboxrd((await readFile(path.join(cur, name))).toString('latin1'))}\r\n`,
        'latin1',
      ),
    ),
  )
  const out = createWriteStream(file)
  for (let written = 0, i = 0; written < bytes; i++) {
    const entry = entries[i % entries.length] as Buffer
    if (!out.write(entry)) await once(out, 'drain')
    written += entry.length
  }
  out.end()
  await once(out, 'finish')
  return file
}

/** A Maildir of `count` files: the set's messages again and again, under new names. */
async function bigMaildir(dir: string, set: CorpusSet, count: number): Promise<string> {
  const maildir = path.join(dir, `maildir-${count}`)
  const cur = path.join(maildir, 'cur')
  if (existsSync(cur) && (await readdir(cur)).length === count) return maildir
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(maildir, sub), { recursive: true })
  const source = path.join(set.maildir, 'cur')
  const names = await namesIn(source)
  for (let i = 0; i < count; i++)
    await copyFile(
      path.join(source, names[i % names.length] as string),
      path.join(cur, `${1704067200 + i}.M${i}P1Q${i}.bench.example:2,S`),
    )
  return maildir
}

/** VmHWM of a running process, in kB (the kernel's own peak RSS); 0 once it is gone. */
async function vmHwm(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0)
  } catch {
    return 0
  }
}

async function peakOf(
  cli: string,
  target: string,
  keyFile: string,
  configDir: string,
  nodeOptions: string | null,
): Promise<PeakRun> {
  const viaTime = existsSync(GNU_TIME)
  const args = [cli, 'dkim', 'verify', target, '--keys', keyFile, '--json-lines']
  const env = {
    ...process.env,
    MAILWARDEN_CONFIG_DIR: configDir,
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
  }
  const started = performance.now()
  const child = viaTime
    ? spawn(GNU_TIME, ['-v', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
  const tally: Tally = { messages: 0, passed: 0, failures: [] }
  let partial = ''
  // Rows are counted as they come: 100,000 rows are too many to keep.
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) countLine(tally, line)
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  let polled = 0
  const poll = viaTime
    ? undefined
    : setInterval(async () => {
        polled = Math.max(polled, await vmHwm(child.pid as number))
      }, 50)
  await once(child, 'close')
  if (poll) clearInterval(poll)
  const seconds = (performance.now() - started) / 1000
  const peakKb = viaTime
    ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0)
    : polled
  countLine(tally, partial)
  return {
    ...tally,
    seconds,
    peakMb: peakKb / 1024,
    how: viaTime ? '/usr/bin/time -v' : '/proc/PID/status VmHWM, polled every 50 ms',
  }
}

export interface MemoryPlan {
  cli: string
  dir: string
  small: CorpusSet
  medium: CorpusSet
  keyFile: string
  configDir: string
  mboxBytes: number
  files: number
  log: (line: string) => void
}

export async function memoryLines(plan: MemoryPlan): Promise<string[]> {
  await mkdir(plan.dir, { recursive: true })
  plan.log(
    `  writing a ${Math.round(plan.mboxBytes / 2 ** 20)} MB mbox and a Maildir of ${plan.files} files...`,
  )
  const inputs = [
    {
      what: `mbox of ${Math.round(plan.mboxBytes / 2 ** 20)} MB (${plan.medium.spec.label} messages)`,
      target: await bigMbox(plan.dir, plan.medium, plan.mboxBytes),
    },
    {
      what: `Maildir of ${plan.files.toLocaleString('en-US')} files (${plan.small.spec.label} messages)`,
      target: await bigMaildir(plan.dir, plan.small, plan.files),
    },
  ]
  const lines = ['Peak memory of `mailwarden dkim verify --json-lines` (default workers):']
  let how = ''
  // The main thread's young generation can only be bounded when Node starts (a flag set later is
  // ignored), so the run is measured as it comes and with the flag docs/dkim.md gives for big runs.
  for (const input of inputs)
    for (const nodeOptions of [null, BIG_RUN_NODE_OPTIONS]) {
      plan.log(`  verifying the ${input.what}${nodeOptions ? ` with NODE_OPTIONS=${nodeOptions}` : ''}...`)
      const r = await peakOf(plan.cli, input.target, plan.keyFile, plan.configDir, nodeOptions)
      how = r.how
      const passNote = r.passed === r.messages ? 'all pass' : `${r.passed} of ${r.messages} pass, NOT all`
      lines.push(
        `  ${input.what}${nodeOptions ? `, NODE_OPTIONS=${nodeOptions}` : ''}: ${r.messages.toLocaleString('en-US')} messages (${passNote}) in ${r.seconds.toFixed(1)} s = ${perSecond(r.messages / r.seconds)}/s, peak RSS ${r.peakMb.toFixed(0)} MB: target < ${TARGETS.peakMb} MB ${r.peakMb > 0 && r.peakMb < TARGETS.peakMb ? 'met' : 'NOT met'}`,
      )
      for (const failure of r.failures) lines.push(`    did not pass: ${failure.slice(0, 300)}`)
    }
  lines.push(`  (peak RSS by ${how})`)
  return lines
}
