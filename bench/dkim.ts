// `npm run bench:dkim [-- --quick]`: DKIM verification speed of Mailwarden beside mailauth 7.1.0
// (same process, same run) and dkimpy (a subprocess, its own timing loop, so Python's start-up is
// not counted), on 1 KB, 50 KB and 5 MB messages signed by mailauth (rsa-sha256 2048-bit,
// relaxed/relaxed); keys from a key file, no DNS. Also the machine's raw SHA-256 speed (the
// ceiling: a verifier must hash every body byte), Mailwarden's relaxed body canonicalization plus
// hashing as a share of it, and the peak memory of `mailwarden dkim verify` on a 1 GB mbox
// (100 MB with --quick), generated in a temporary directory and deleted afterwards.
// Targets (issue 7): 10x mailauth at 50 KB, 3x at 1 KB; relaxed canon + hash >= 25 % of raw
// SHA-256; peak memory under 150 MB on the 1 GB mbox.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream, existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { dkimVerify } from 'mailauth/lib/dkim/verify'
import { bodyCanonicalizer } from '../core/dkim/canon-body.js'
import { keyFileSource, verifyMessage } from '../core/dkim/index.js'
import { keyFileLines, makeKeys } from '../e2e/dkim-corpus/keys.js'
import { header } from '../e2e/dkim-corpus/messages.js'
import { keyFileResolver, readKeyFile } from '../e2e/dkim-corpus/peers.js'
import { DKIMPY_SCRIPT, PYTHON, signAll } from '../e2e/dkim-corpus/signers.js'

const quick = process.argv.includes('--quick')
/** Each verifier runs each size for at least this long (and at least MIN_RUNS times). */
const SECONDS_PER_MEASURE = quick ? 1 : 2
const MIN_RUNS = 3
const MBOX_BYTES = (quick ? 100 : 1024) * 1024 * 1024
const TARGETS = { ratio50k: 10, ratio1k: 3, canonShare: 25, mboxPeakMb: 150 }

const root = path.resolve(import.meta.dirname, '..')
const dir = await mkdtemp(path.join(os.tmpdir(), 'mw-bench-dkim-'))

function bodyOf(bytes: number): string {
  // Mail-like text: lines of words, with runs of spaces and trailing whitespace for relaxed to fold.
  const line = 'Lorem ipsum dolor sit amet,  consectetur\tadipiscing elit, sed do eiusmod tempor. \r\n'
  return `${line.repeat(Math.max(1, Math.ceil(bytes / line.length))).slice(0, bytes - 2)}\r\n`
}

async function measure(run: () => Promise<unknown>): Promise<{ perSecond: number; runs: number }> {
  for (let i = 0; i < 2; i++) await run() // warm-up
  let runs = 0
  const started = performance.now()
  let elapsed = 0
  while (elapsed < SECONDS_PER_MEASURE * 1000 || runs < MIN_RUNS) {
    await run()
    runs++
    elapsed = performance.now() - started
  }
  return { perSecond: runs / (elapsed / 1000), runs }
}

async function python(request: unknown): Promise<string> {
  const child = spawn(PYTHON, [DKIMPY_SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (d) => {
    out += d
  })
  child.stdin.end(JSON.stringify(request))
  const [code] = (await once(child, 'close')) as [number]
  if (code !== 0) throw new Error(`dkimpy exited with ${code}`)
  return out
}

try {
  console.log(
    `Mailwarden DKIM benchmark${quick ? ' (--quick)' : ''}: ${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
  const keys = await makeKeys(dir)
  const keysFile = path.join(dir, 'keys.txt')
  await writeFile(keysFile, `${keyFileLines(keys).join('\n')}\n`)
  const keyText = await readFile(keysFile, 'utf8')
  const ours = keyFileSource(keyText)
  const resolver = keyFileResolver(readKeyFile(keysFile))

  const sizes = [
    { label: '1 KB', bytes: 1024 },
    { label: '50 KB', bytes: 50 * 1024 },
    { label: '5 MB', bytes: 5 * 1024 * 1024 },
  ]
  const texts = sizes.map((s) => {
    const head = header({ Subject: `A ${s.label} message` })
    return `${head}\r\n${bodyOf(Math.max(64, s.bytes - head.length - 2))}`
  })
  const signed = await signAll(
    texts.map((text) => ({
      text,
      spec: { signer: 'mailauth', selector: 'rsa2048', canon: 'relaxed/relaxed', alg: 'rsa-sha256' },
    })),
    keys,
  )
  const messages = signed.map((s) => Buffer.from(s, 'latin1'))
  const files = await Promise.all(
    messages.map(async (m, i) => {
      const file = path.join(dir, `m${i}.eml`)
      await writeFile(file, m)
      return file
    }),
  )

  // Every verifier must say pass on every message, or its speed means nothing.
  for (const m of messages) {
    const r = await verifyMessage(m, { keys: ours })
    if (r.signatures[0]?.result !== 'pass')
      throw new Error(`Mailwarden: ${r.signatures[0]?.result} ${r.signatures[0]?.reason}`)
    const theirs = await dkimVerify(m, { resolver, strict: true })
    if (theirs.results[0]?.status.result !== 'pass')
      throw new Error(`mailauth: ${theirs.results[0]?.status.result}`)
  }

  const dkimpy = JSON.parse(
    await python({ op: 'bench', keys: keysFile, files, seconds: SECONDS_PER_MEASURE }),
  ) as Array<{ count: number; elapsed: number; ok: boolean }>
  const rows: string[][] = []
  const ratios: Record<string, number> = {}
  for (const [i, size] of sizes.entries()) {
    const m = messages[i] as Buffer
    const mw = await measure(() => verifyMessage(m, { keys: ours }))
    const ma = await measure(() => dkimVerify(m, { resolver, strict: true }))
    const py = dkimpy[i] as { count: number; elapsed: number; ok: boolean }
    const pyRate = py.count / py.elapsed
    const mb = m.length / 1024 / 1024
    ratios[size.label] = mw.perSecond / ma.perSecond
    rows.push([
      size.label,
      mw.perSecond.toFixed(1),
      (mw.perSecond * mb).toFixed(1),
      ma.perSecond.toFixed(1),
      (ma.perSecond * mb).toFixed(1),
      `${(mw.perSecond / ma.perSecond).toFixed(1)}x`,
      `${pyRate.toFixed(1)}${py.ok ? '' : ' (not pass!)'}`,
      (pyRate * mb).toFixed(1),
      `${(mw.perSecond / pyRate).toFixed(1)}x`,
    ])
  }
  const headers = [
    'size',
    'Mailwarden msg/s',
    'MB/s',
    'mailauth msg/s',
    'MB/s',
    'vs mailauth',
    'dkimpy msg/s',
    'MB/s',
    'vs dkimpy',
  ]
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number)))
      .join('  ')
  console.log('\nVerifying one message (rsa-sha256 2048-bit, relaxed/relaxed, key file):')
  console.log(line(headers))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of rows) console.log(line(r))

  // The ceiling: raw SHA-256 over 64 MB, and relaxed canonicalization + SHA-256 over the same.
  const big = Buffer.from(bodyOf(64 * 1024 * 1024), 'latin1')
  const sha = await measure(async () => createHash('sha256').update(big).digest())
  const canon = await measure(async () => {
    const c = bodyCanonicalizer('relaxed')
    c.sink.hashFor('sha256', null)
    for (let at = 0; at < big.length; at += 1024 * 1024) c.write(big.subarray(at, at + 1024 * 1024))
    c.end()
  })
  const shaMbs = sha.perSecond * 64
  const canonMbs = canon.perSecond * 64
  const share = (canonMbs / shaMbs) * 100
  console.log(`\nRaw SHA-256 (node:crypto):            ${shaMbs.toFixed(0)} MB/s (the ceiling)`)
  console.log(
    `Relaxed body canonicalization + hash: ${canonMbs.toFixed(0)} MB/s = ${share.toFixed(0)} % of raw SHA-256`,
  )

  // Peak memory of the CLI on a big mbox (the bundled CLI when built, else the sources under tsx).
  const mbox = path.join(dir, 'big.mbox')
  const one = (messages[1] as Buffer).toString('latin1').replace(/\r\n/g, '\n')
  const entry = Buffer.from(`From alice@corpus.example Tue Dec  1 10:00:00 2026\n${one}\n`, 'latin1')
  const out = createWriteStream(mbox)
  let written = 0
  let count = 0
  while (written < MBOX_BYTES) {
    if (!out.write(entry)) await once(out, 'drain')
    written += entry.length
    count++
  }
  out.end()
  await once(out, 'finish')
  const built =
    existsSync(path.join(root, 'dist/cli.mjs')) && existsSync(path.join(root, 'dist/dkim-worker.mjs'))
  const cli = built
    ? [path.join(root, 'dist/cli.mjs')]
    : ['--import', 'tsx', path.join(root, 'core/cli/bin.ts')]
  const started = Date.now()
  const child = spawn(
    '/usr/bin/time',
    ['-v', process.execPath, ...cli, 'dkim', 'verify', mbox, '--keys', keysFile, '--json-lines'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MAILWARDEN_CONFIG_DIR: path.join(dir, 'config') },
    },
  )
  let lastLine = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    const lines = d.split('\n').filter(Boolean)
    if (lines.length) lastLine = lines.at(-1) as string
  })
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d
  })
  await once(child, 'close')
  const seconds = (Date.now() - started) / 1000
  const peakMb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0) / 1024
  const summary = (JSON.parse(lastLine || '{}') as { summary?: { messages: number; alignedPass: number } })
    .summary
  console.log(
    `\nmbox of ${(written / 1024 / 1024).toFixed(0)} MB (${count} messages of 50 KB), ${built ? 'dist/cli.mjs' : 'sources under tsx'}, ${os.availableParallelism()} worker threads:`,
  )
  console.log(
    `  verified ${summary?.messages ?? '?'} (${summary?.alignedPass ?? '?'} pass) in ${seconds.toFixed(1)} s = ${(written / 1024 / 1024 / seconds).toFixed(0)} MB/s, peak RSS ${peakMb.toFixed(0)} MB`,
  )

  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')
  console.log('\nTargets:')
  console.log(
    `  >= ${TARGETS.ratio50k}x mailauth at 50 KB: ${(ratios['50 KB'] as number).toFixed(1)}x, ${verdict((ratios['50 KB'] as number) >= TARGETS.ratio50k)}`,
  )
  console.log(
    `  >= ${TARGETS.ratio1k}x mailauth at 1 KB: ${(ratios['1 KB'] as number).toFixed(1)}x, ${verdict((ratios['1 KB'] as number) >= TARGETS.ratio1k)}`,
  )
  console.log(
    `  relaxed canon + hash >= ${TARGETS.canonShare} % of SHA-256: ${share.toFixed(0)} %, ${verdict(share >= TARGETS.canonShare)}`,
  )
  console.log(
    `  peak memory < ${TARGETS.mboxPeakMb} MB on the ${quick ? '100 MB' : '1 GB'} mbox: ${peakMb.toFixed(0)} MB, ${verdict(peakMb > 0 && peakMb < TARGETS.mboxPeakMb)}`,
  )
} finally {
  await rm(dir, { recursive: true, force: true })
}
