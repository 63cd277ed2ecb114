// Microbenchmarks (--micro), in memory, not what a user runs: one message verified again and again
// in one thread (Mailwarden's verifyMessage, mailauth's dkimVerify, dkimpy's own timing loop), and
// Mailwarden's body canonicalization plus SHA-256 against raw SHA-256 on the same bytes. They say
// where the engine's time goes; the tables above say what a user gets.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { dkimVerify } from 'mailauth/lib/dkim/verify'
import { hashBody } from '../../core/dkim/canon-body.js'
import { keyFileSource, verifyMessage } from '../../core/dkim/index.js'
import type { CorpusSet } from './corpus.js'
import { keyResolver } from './mailauth-peer.mjs'
import { perSecond } from './report.js'

const PYTHON = '/usr/bin/python3'
const CANON_BYTES = 64 * 1024 * 1024

/** Runs `work` for at least `seconds` and at least 3 times, after 2 runs to warm up; runs per second. */
async function repeat(seconds: number, work: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < 2; i++) await work()
  let runs = 0
  const started = performance.now()
  let elapsed = 0
  while (elapsed < seconds * 1000 || runs < 3) {
    await work()
    runs++
    elapsed = performance.now() - started
  }
  return runs / (elapsed / 1000)
}

/** The set's first message signed rsa-sha256 relaxed/relaxed (the most common signature). */
async function typicalMessage(set: CorpusSet): Promise<string> {
  const cur = path.join(set.maildir, 'cur')
  for (const name of (await readdir(cur)).sort()) {
    const head = (await readFile(path.join(cur, name))).subarray(0, 4096).toString('latin1')
    if (head.includes('a=rsa-sha256; c=relaxed/relaxed')) return path.join(cur, name)
  }
  throw new Error(`no rsa-sha256 relaxed/relaxed message among the ${set.spec.label} messages`)
}

async function dkimpyBench(script: string, keyFile: string, files: string[], seconds: number) {
  const child = spawn(PYTHON, [script], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d
  })
  child.stdin.end(JSON.stringify({ op: 'bench', keys: keyFile, files, seconds }))
  const code = await new Promise((resolve) => child.on('close', resolve))
  if (code !== 0) throw new Error(`dkimpy bench exited with ${code}`)
  return JSON.parse(out) as Array<{ count: number; elapsed: number; ok: boolean }>
}

export async function microLines(
  root: string,
  sets: CorpusSet[],
  keyFile: string,
  seconds: number,
): Promise<string[]> {
  const keyText = await readFile(keyFile, 'utf8')
  const ours = keyFileSource(keyText)
  const resolver = keyResolver(keyText)
  const files = await Promise.all(sets.map(typicalMessage))
  const messages = await Promise.all(files.map((f) => readFile(f)))
  const dkimpy = await dkimpyBench(path.join(root, 'e2e/dkim-corpus/dkimpy.py'), keyFile, files, seconds)
  const rows: string[] = []
  for (const [i, set] of sets.entries()) {
    const message = messages[i] as Buffer
    const mine = await verifyMessage(message, { keys: ours })
    const theirs = await dkimVerify(message, { resolver, strict: true })
    const py = dkimpy[i] as { count: number; elapsed: number; ok: boolean }
    const pass = [
      mine.signatures[0]?.result === 'pass' ? '' : 'Mailwarden',
      theirs.results[0]?.status.result === 'pass' ? '' : 'mailauth',
      py.ok ? '' : 'dkimpy',
    ].filter(Boolean)
    if (pass.length) {
      rows.push(`  ${set.spec.label}: not printed, ${pass.join(' and ')} did not say pass`)
      continue
    }
    const mw = await repeat(seconds, () => verifyMessage(message, { keys: ours }))
    const ma = await repeat(seconds, () => dkimVerify(message, { resolver, strict: true }))
    const dp = py.count / py.elapsed
    rows.push(
      `  ${set.spec.label.padEnd(5)} (${(message.length / 1024).toFixed(1)} KB): Mailwarden ${perSecond(mw)}/s, mailauth ${perSecond(ma)}/s (${(mw / ma).toFixed(1)}x), dkimpy ${perSecond(dp)}/s (${(mw / dp).toFixed(1)}x)`,
    )
  }

  // Canonicalization: 64 MB of the 50 KB messages' bodies (ordinary mail, not whitespace runs).
  const medium = sets[1] ?? (sets[0] as CorpusSet)
  const cur = path.join(medium.maildir, 'cur')
  const bodies: Buffer[] = []
  let size = 0
  for (const name of (await readdir(cur)).sort()) {
    if (size >= CANON_BYTES) break
    const m = await readFile(path.join(cur, name))
    const body = m.subarray(m.indexOf('\r\n\r\n') + 4)
    bodies.push(body)
    size += body.length
  }
  const big = Buffer.concat(bodies)
  const mb = big.length / 2 ** 20
  const sha = (await repeat(seconds, () => createHash('sha256').update(big).digest())) * mb
  const relaxed = (await repeat(seconds, () => hashBody(big, 'relaxed', 'sha256'))) * mb
  const simple = (await repeat(seconds, () => hashBody(big, 'simple', 'sha256'))) * mb
  return [
    'One message held in memory, verified again and again in one thread (messages/s):',
    ...rows,
    `Body canonicalization + SHA-256 over ${mb.toFixed(0)} MB of the ${medium.spec.label} bodies, one thread:`,
    `  raw SHA-256 ${sha.toFixed(0)} MB/s; relaxed ${relaxed.toFixed(0)} MB/s (${((relaxed / sha) * 100).toFixed(0)} %); simple ${simple.toFixed(0)} MB/s (${((simple / sha) * 100).toFixed(0)} %)`,
  ]
}
