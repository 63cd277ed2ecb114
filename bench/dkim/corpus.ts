// The corpus: for each size, N messages signed by mailauth's signer (in process) with a mix of
// relaxed/relaxed, relaxed/simple and simple/simple, RSA-2048 and ed25519-sha256 (RFC 8463), then
// received (Return-Path and Received above the signature, as the receiving server adds them). Each
// size is written twice: a Maildir (one file per message in cur/, Maildir-style names) and an mboxrd
// file of the same messages. Same seed, same bytes.
import { once } from 'node:events'
import { createWriteStream, existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { dkimSign } from 'mailauth/lib/dkim/sign'
import { type Algorithm, type BenchKeys, DOMAIN, keyFileText, makeKeys } from './keys.js'
import { composeMessage, type Kind } from './mail.js'
import { escapeMboxrd, MBOX_FROM_LINE } from './mbox.js'
import { Random } from './random.js'

/** Bumped when the generator changes, so a kept corpus (--keep) of an older shape is made again. */
const CORPUS_VERSION = 2
const KEY_SEED = 15

export type Canon = 'relaxed/relaxed' | 'relaxed/simple' | 'simple/simple'

export interface SizeSpec {
  id: string
  label: string
  /** Approximate size of one message, signed. */
  bytes: number
  count: number
  seed: number
  kinds: Readonly<Partial<Record<Kind, number>>>
}

export interface CorpusSet {
  spec: SizeSpec
  /** The Maildir (cur/, new/, tmp/): what `mailwarden dkim verify DIR` reads. */
  maildir: string
  mbox: string
  totalBytes: number
  /** How many messages of each MIME shape, canonicalization and algorithm. */
  mix: [Record<string, number>, Record<string, number>, Record<string, number>]
}

export interface Corpus {
  root: string
  keyFile: string
  keys: BenchKeys
  sets: CorpusSet[]
}

const CANONS: Readonly<Record<Canon, number>> = {
  'relaxed/relaxed': 5,
  'relaxed/simple': 3,
  'simple/simple': 2,
}
const ALGORITHMS: Readonly<Record<Algorithm, number>> = { 'rsa-sha256': 7, 'ed25519-sha256': 3 }

export function sizeSpecs(counts: readonly [number, number, number]): SizeSpec[] {
  return [
    {
      id: '1kb',
      label: '1 KB',
      bytes: 1024,
      count: counts[0],
      seed: 1,
      kinds: { plain: 7, reply: 2, alternative: 1 },
    },
    {
      id: '50kb',
      label: '50 KB',
      bytes: 50 * 1024,
      count: counts[1],
      seed: 50,
      kinds: { alternative: 3.5, mixed: 4.5, reply: 2 },
    },
    { id: '5mb', label: '5 MB', bytes: 5 * 1024 * 1024, count: counts[2], seed: 5000, kinds: { mixed: 1 } },
  ]
}

/** A Maildir file name (maildir(5)): time, unique part, host, size, flags ("seen"). */
function maildirName(index: number, bytes: number): string {
  return `${1704067200 + index}.M${(index * 7919) % 1_000_000}P4242Q${index}.bench.example,S=${bytes}:2,S`
}

async function sign(text: string, keys: BenchKeys, canon: Canon, algorithm: Algorithm, at: Date) {
  const key = keys[algorithm]
  const signer = {
    signingDomain: DOMAIN,
    selector: key.selector,
    privateKey: key.pem,
    algorithm,
    canonicalization: canon,
  }
  const result = await dkimSign(Buffer.from(text, 'latin1'), {
    ...signer,
    signatureData: [signer],
    signTime: at,
  })
  if (!result.signatures) throw new Error(`mailauth did not sign: ${JSON.stringify(result.errors)}`)
  return result.signatures
}

/** What the receiving server puts above the signature: the envelope sender and its Received field. */
function delivered(text: string, index: number, at: Date): string {
  const sender = /^From: .*<([^>]+)>/m.exec(text)?.[1] ?? `postmaster@${DOMAIN}`
  const when = new Date(at.getTime() + 5000).toUTCString().replace('GMT', '+0000')
  return (
    `Return-Path: <${sender}>\r\n` +
    `Received: from mail.${DOMAIN} (mail.${DOMAIN} [192.0.2.${(index % 250) + 1}])\r\n` +
    `\tby mx.example.net (Postfix) with ESMTPS id 4T${(index * 104729).toString(36).toUpperCase()}\r\n` +
    `\tfor <bob.chen@example.net>; ${when}\r\n`
  )
}

function pathsOf(root: string, spec: SizeSpec) {
  return { maildir: path.join(root, spec.id, 'Maildir'), mbox: path.join(root, `${spec.id}.mbox`) }
}

async function writeSet(root: string, spec: SizeSpec, keys: BenchKeys): Promise<CorpusSet> {
  const { maildir, mbox } = pathsOf(root, spec)
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(maildir, sub), { recursive: true })
  const out = createWriteStream(mbox)
  const random = new Random(spec.seed)
  const mix: CorpusSet['mix'] = [{}, {}, {}]
  let totalBytes = 0
  for (let i = 0; i < spec.count; i++) {
    const kind = random.weighted(spec.kinds as Record<Kind, number>)
    const canon = random.weighted(CANONS)
    const algorithm = random.weighted(ALGORITHMS)
    for (const [i, what] of [kind, canon, algorithm].entries()) {
      const counts = mix[i as 0 | 1 | 2]
      counts[what] = (counts[what] ?? 0) + 1
    }
    const at = new Date(Date.UTC(2024, 0, 1, 10, 0, 0) + i * 61_000)
    const text = composeMessage(random, i, spec.bytes, kind)
    const signed = delivered(text, i, at) + (await sign(text, keys, canon, algorithm, at)) + text
    const bytes = Buffer.from(signed, 'latin1')
    totalBytes += bytes.length
    await writeFile(path.join(maildir, 'cur', maildirName(i, bytes.length)), bytes)
    if (!out.write(`${MBOX_FROM_LINE}\r\n${escapeMboxrd(signed)}\r\n`, 'latin1')) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  return { spec, maildir, mbox, totalBytes, mix }
}

interface Manifest {
  version: number
  counts: number[]
  sets: Array<Pick<CorpusSet, 'totalBytes' | 'mix'>>
}

/**
 * Writes the corpus under `root`, or reuses one a previous run kept there (--keep) when it was made
 * by this generator with the same counts.
 */
export async function makeCorpus(
  root: string,
  specs: SizeSpec[],
  log: (line: string) => void,
): Promise<Corpus> {
  const keys = makeKeys(new Random(KEY_SEED))
  const keyFile = path.join(root, 'keys.txt')
  const manifestFile = path.join(root, 'manifest.json')
  const counts = specs.map((s) => s.count)
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Manifest
    if (manifest.version === CORPUS_VERSION && manifest.counts.join() === counts.join()) {
      log(`Reusing the corpus kept in ${root}.`)
      const sets = specs.map((spec, i) => ({
        spec,
        ...pathsOf(root, spec),
        ...(manifest.sets[i] as Manifest['sets'][number]),
      }))
      return { root, keyFile, keys, sets }
    }
  }
  await mkdir(root, { recursive: true })
  await writeFile(keyFile, keyFileText(keys))
  const sets: CorpusSet[] = []
  for (const spec of specs) {
    const started = performance.now()
    sets.push(await writeSet(root, spec, keys))
    log(
      `  ${spec.count} messages of ~${spec.label} signed and written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    )
  }
  const manifest: Manifest = {
    version: CORPUS_VERSION,
    counts,
    sets: sets.map(({ totalBytes, mix }) => ({ totalBytes, mix })),
  }
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`)
  return { root, keyFile, keys, sets }
}
