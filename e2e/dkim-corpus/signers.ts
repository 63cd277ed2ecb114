// Independent signers: dkimpy (Debian python3-dkim, one subprocess per batch), mailauth (in
// process) and OpenDKIM (opendkim-testmsg, one process per message). Exim signs in the lab
// (exim.ts). None of them is Mailwarden, so the corpus tests the verifier, not itself.
import { execFile, spawn } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { dkimSign } from 'mailauth/lib/dkim/sign'
import { type KeySet, SELECTORS, type SelectorId } from './keys.js'

const run = promisify(execFile)

/** Debian's interpreter: python3-dkim is installed for it, not for a pyenv shim on PATH. */
export const PYTHON = '/usr/bin/python3'
export const DKIMPY_SCRIPT = path.join(import.meta.dirname, 'dkimpy.py')

export type Canon = 'simple/simple' | 'simple/relaxed' | 'relaxed/simple' | 'relaxed/relaxed'
export type Algorithm = 'rsa-sha256' | 'ed25519-sha256' | 'rsa-sha1'
export type SignerName = 'dkimpy' | 'mailauth' | 'opendkim' | 'exim'

export interface SignSpec {
  signer: Exclude<SignerName, 'exim'>
  selector: SelectorId
  canon: Canon
  alg: Algorithm
  /** Add l= with the whole (canonical) body length; mailauth takes a number (sign only that much). */
  length?: boolean | number
  /** Header names to sign, repeated names oversign. Default: the signer's own list. */
  headers?: string[]
  /** mailauth only: t= and x= (seconds since the epoch). */
  signTime?: number
  expires?: number
  /** dkimpy only: leave From out of h= (compliant signers refuse; see dkimpy.py). */
  unsignedFrom?: boolean
  /** mailauth only: i=. */
  identity?: string
}

export interface SignJob {
  text: string
  spec: SignSpec
}

/** The DKIM-Signature field a signer produced, to prepend (ends with CRLF). */
type Signed = string

async function dkimpyBatch(jobs: SignJob[], keys: KeySet): Promise<Signed[]> {
  if (jobs.length === 0) return []
  const request = {
    op: 'sign',
    jobs: jobs.map(({ text, spec }) => {
      const selector = SELECTORS[spec.selector]
      return {
        message: Buffer.from(text, 'latin1').toString('base64'),
        selector: selector.name,
        domain: selector.domain,
        key: keys[selector.key].file,
        alg: spec.alg,
        canon: spec.canon,
        length: Boolean(spec.length),
        headers: spec.headers ?? null,
        unsignedFrom: Boolean(spec.unsignedFrom),
      }
    }),
  }
  const answer = await new Promise<string>((resolve, reject) => {
    const child = spawn(PYTHON, [DKIMPY_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d
    })
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d
    })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`dkimpy sign: ${err}`))))
    child.stdin.end(JSON.stringify(request))
  })
  const results = JSON.parse(answer) as Array<{ header?: string; error?: string }>
  return results.map((r, i) => {
    if (!r.header) throw new Error(`dkimpy could not sign job ${i}: ${r.error}`)
    const field = Buffer.from(r.header, 'base64').toString('latin1')
    return field.endsWith('\r\n') ? field : `${field}\r\n`
  })
}

async function mailauthSign({ text, spec }: SignJob, keys: KeySet): Promise<Signed> {
  const selector = SELECTORS[spec.selector]
  // mailauth takes the keys in signatureData; the top-level options are shared by all of them.
  const one = {
    signingDomain: selector.domain,
    selector: selector.name,
    privateKey: keys[selector.key].pem,
    algorithm: spec.alg,
    canonicalization: spec.canon,
    ...(typeof spec.length === 'number' ? { maxBodyLength: spec.length } : {}),
    ...(spec.identity ? { identity: spec.identity } : {}),
  }
  const result = await dkimSign(Buffer.from(text, 'latin1'), {
    ...one,
    signatureData: [one],
    ...(spec.headers ? { headerList: spec.headers } : {}),
    ...(spec.signTime !== undefined ? { signTime: new Date(spec.signTime * 1000) } : {}),
    ...(spec.expires !== undefined ? { expires: new Date(spec.expires * 1000) } : {}),
  })
  if (!result.signatures) throw new Error(`mailauth did not sign: ${JSON.stringify(result.errors)}`)
  return result.signatures
}

async function opendkimSign({ text, spec }: SignJob, keys: KeySet): Promise<Signed> {
  // opendkim-testmsg signs rsa-sha1, relaxed/simple, its own header list; -C: CRLF line ends.
  if (spec.alg !== 'rsa-sha1' || spec.canon !== 'relaxed/simple')
    throw new Error('opendkim-testmsg signs rsa-sha1 relaxed/simple only')
  const selector = SELECTORS[spec.selector]
  const child = run(
    '/usr/sbin/opendkim-testmsg',
    ['-C', '-d', selector.domain, '-s', selector.name, '-k', keys[selector.key].file],
    { encoding: 'buffer' },
  )
  child.child.stdin?.end(Buffer.from(text, 'latin1'))
  const signed = (await child).stdout.toString('latin1')
  const at = signed.indexOf(text.slice(0, 40))
  if (!signed.startsWith('DKIM-Signature:') || at < 0) throw new Error('opendkim-testmsg gave no signature')
  return signed.slice(0, at)
}

/** Signs every job with its signer; returns the signed messages in order. */
export async function signAll(jobs: SignJob[], keys: KeySet): Promise<string[]> {
  const out: string[] = new Array(jobs.length)
  const python = jobs.map((j, i) => [j, i] as const).filter(([j]) => j.spec.signer === 'dkimpy')
  const pythonDone = dkimpyBatch(
    python.map(([j]) => j),
    keys,
  ).then((fields) => {
    fields.forEach((field, k) => {
      const [job, index] = python[k] as (typeof python)[number]
      out[index] = field + job.text
    })
  })
  await Promise.all([
    pythonDone,
    ...jobs.map(async (job, index) => {
      if (job.spec.signer === 'mailauth') out[index] = (await mailauthSign(job, keys)) + job.text
      if (job.spec.signer === 'opendkim') out[index] = (await opendkimSign(job, keys)) + job.text
    }),
  ])
  return out
}
