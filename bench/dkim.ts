// `npm run bench:dkim [-- --quick] [-- --runs N] [-- --keep DIR] [-- --memory] [-- --micro]`
//
// DKIM verification at the front door, as a user runs it: `mailwarden dkim verify` (the bundled
// CLI, its own process, start-up included) on a Maildir and on an mbox of the same ordinary mail,
// beside mailauth 7.1 (its own process, and a loop in this process) and dkimpy (its own process)
// over the same files in the same run, and the machine's ceiling. Keys come from a key file, no
// DNS. Every verifier must say pass on every message, or its figure is not printed. Issue 15.
//
// Phases: machine, build (dist/ when stale), corpus (bench/dkim/corpus.ts, deterministic, in a
// temporary directory deleted afterwards unless --keep), measure (bench/dkim/measure.ts), tables
// and targets (bench/dkim/report.ts), then on request peak memory (bench/dkim/memory.ts) and the
// in-memory microbenchmarks (bench/dkim/micro.ts).
import { rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { ensureBuilt } from './dkim/build.js'
import { makeCorpus, sizeSpecs } from './dkim/corpus.js'
import { measureAll } from './dkim/measure.js'
import { type Columns, loadAverage, machineLines, tableLines, targetLines } from './dkim/report.js'
import {
  ceiling,
  dkimpyProcess,
  floorProcess,
  type InputKind,
  mailauthLoop,
  mailauthProcess,
  mailwarden,
  type Verifier,
} from './dkim/verifiers.js'

const HELP = `npm run bench:dkim -- [options]
  --quick       2,000 / 400 / 6 messages of ~1 KB / ~50 KB / ~5 MB (default 10,000 / 2,000 / 20)
  --runs N      runs of each measurement (default 3); the tables show the median and the best
  --keep DIR    write the corpus to DIR and keep it (a later run with the same counts reuses it)
  --memory      also peak memory on a 1 GB mbox and a Maildir of 100,000 files (slow;
                with --quick: 200 MB and 20,000 files)
  --micro       also the in-memory microbenchmarks (one message again and again; canonicalization)`

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    keep: { type: 'string' },
    memory: { type: 'boolean', default: false },
    micro: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (values.help) {
  console.log(HELP)
  process.exit(0)
}
const runs = Number(values.runs)
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a whole number from 1 up, not ${values.runs}`)
const quick = values.quick
const root = path.resolve(import.meta.dirname, '..')
const dir = values.keep ? path.resolve(values.keep) : await mkdtemp(path.join(os.tmpdir(), 'mw-bench-dkim-'))
const removeCorpus = () => {
  if (!values.keep) rmSync(dir, { recursive: true, force: true })
}
process.once('SIGINT', () => {
  removeCorpus()
  process.exit(130)
})

const log = (line: string) => console.log(line)
const phase = (name: string) => console.log(`\n== ${name}`)

try {
  console.log(`Mailwarden DKIM benchmark: the CLI on a Maildir and an mbox${quick ? ' (--quick)' : ''}`)
  for (const line of machineLines(root)) log(line)

  phase('Build')
  const cli = ensureBuilt(root, log)
  log(`CLI: ${path.relative(root, cli)}`)

  phase(`Corpus (${dir}${values.keep ? ', kept' : ', deleted afterwards'})`)
  const corpus = await makeCorpus(dir, sizeSpecs(quick ? [2000, 400, 6] : [10_000, 2000, 20]), log)
  for (const set of corpus.sets) {
    const mix = set.mix
      .map((counts) =>
        Object.entries(counts)
          .sort(([, a], [, b]) => b - a)
          .map(([what, n]) => `${what} ${n}`)
          .join(', '),
      )
      .join('; ')
    log(
      `  ~${set.spec.label}: ${set.spec.count} messages, ${(set.totalBytes / 2 ** 20).toFixed(1)} MB (${mix})`,
    )
  }

  phase('Measuring (wall clock of each run)')
  const configDir = path.join(dir, 'config')
  const workers1 = mailwarden(cli, 1, configDir, 'MW -w1')
  const workers2 = mailwarden(cli, 2, configDir, 'MW -w2')
  const loop = mailauthLoop()
  const verifiers = [
    workers1,
    workers2,
    mailwarden(cli, undefined, configDir, 'MW default'),
    mailauthProcess(),
    loop,
    dkimpyProcess(),
    floorProcess(1),
    floorProcess(2),
  ]
  const inMemory = [ceiling(corpus.keys)]
  const kinds: InputKind[] = ['maildir', 'mbox']
  const results = await measureAll({
    sets: corpus.sets,
    keyFile: corpus.keyFile,
    kinds,
    verifiers,
    inMemory,
    runs,
    log,
  })

  phase('Results')
  log(
    'MW -wN / MW default: `node dist/cli.mjs dkim verify PATH --keys FILE --json-lines [--workers N]`, start-up included.',
  )
  log(
    'mailauth proc, dkimpy proc: the peer in its own process (bench/dkim/*-peer.*), one thread, start-up included.',
  )
  log(
    'mailauth loop: the same mailauth code in the benchmark process, no start-up (the targets are ratios of it).',
  )
  log(
    `floor xN: per message a read, SHA-256 of body and header and one signature check, on N threads, start-up included (bench/dkim/floor-peer.mjs): no Node verifier can beat it.`,
  )
  log(
    'ceiling: SHA-256 over every byte + one RSA-2048/ed25519 verify per message, in memory, one core, x cores.',
  )
  const [floor1, floor] = verifiers.slice(-2) as [Verifier, Verifier]
  const columns: Columns = { all: [...verifiers, ...inMemory], workers1, workers2, loop, floor, floor1 }
  for (const kind of kinds) {
    log('')
    for (const line of tableLines(results, corpus.sets, kind, columns, runs)) log(line)
  }
  log('')
  for (const line of targetLines(results, corpus.sets, kinds, columns)) log(line)

  if (values.memory) {
    phase('Peak memory')
    const { memoryLines } = await import('./dkim/memory.js')
    const [small, medium] = corpus.sets
    if (!small || !medium) throw new Error('the memory section needs the 1 KB and 50 KB sets')
    const lines = await memoryLines({
      cli,
      dir: path.join(dir, 'memory'),
      small,
      medium,
      keyFile: corpus.keyFile,
      configDir,
      mboxBytes: (quick ? 200 : 1024) * 2 ** 20,
      files: quick ? 20_000 : 100_000,
      log,
    })
    for (const line of lines) log(line)
  }

  if (values.micro) {
    phase('Microbenchmark (in memory, not what a user runs)')
    // Loaded only here: the front-door benchmark depends on the CLI alone, not on core/'s internals.
    const { microLines } = await import('./dkim/micro.js')
    for (const line of await microLines(root, corpus.sets, corpus.keyFile, quick ? 1 : 2)) log(line)
  }

  log(`\nLoad average at the end: ${loadAverage()}`)
} finally {
  if (!values.keep) await rm(dir, { recursive: true, force: true })
}
