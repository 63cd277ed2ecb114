// The messages the fuzzer mutates: the generated corpus's base messages signed by mailauth (every
// canonicalization, RSA and ed25519, with and without l=) and the real messages of
// e2e/corpus/dkim-real; and one key file with all their keys.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { keyFileLines, makeKeys } from '../dkim-corpus/keys.js'
import { baseMessages } from '../dkim-corpus/messages.js'
import { REAL_DIR } from '../dkim-corpus/real.js'
import { type SignJob, signAll } from '../dkim-corpus/signers.js'

export interface FuzzSeeds {
  seeds: Buffer[]
  keysText: string
}

export async function fuzzSeeds(): Promise<FuzzSeeds> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mw-fuzz-keys-'))
  try {
    const keys = await makeKeys(dir)
    const jobs: SignJob[] = []
    for (const base of baseMessages()) {
      for (const canon of ['simple/simple', 'relaxed/relaxed', 'relaxed/simple'] as const) {
        jobs.push({
          text: base.text,
          spec: { signer: 'mailauth', selector: 'rsa1024', canon, alg: 'rsa-sha256' },
        })
      }
      jobs.push({
        text: base.text,
        spec: { signer: 'mailauth', selector: 'ed25519', canon: 'simple/relaxed', alg: 'ed25519-sha256' },
      })
      jobs.push({
        text: base.text,
        spec: {
          signer: 'mailauth',
          selector: 'rsa1024',
          canon: 'relaxed/relaxed',
          alg: 'rsa-sha256',
          length: 20,
        },
      })
    }
    const signed = await signAll(jobs, keys)
    const seeds = signed.map((text) => Buffer.from(text, 'latin1'))
    for (const name of (await readdir(REAL_DIR)).filter((n) => n.endsWith('.eml')).sort()) {
      seeds.push(await readFile(path.join(REAL_DIR, name)))
    }
    const keysText = `${keyFileLines(keys).join('\n')}\n${await readFile(path.join(REAL_DIR, 'keys.txt'), 'utf8')}`
    return { seeds, keysText }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
