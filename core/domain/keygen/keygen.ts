// One `dkim keygen` run as data: which selectors and files (planKeygen, pure), then the keys made
// and written, and everything printed with them: records in both forms, signer snippets, advice.
import path from 'node:path'
import { type AdviceFacts, type KeygenAdvice, keygenAdvice } from './advice.js'
import {
  type DkimKey,
  type KeyAlgorithm,
  type KeygenType,
  type KeyType,
  keyTypesOf,
  makeDkimKey,
} from './make-key.js'
import { recordName, splitTxtStrings, zoneFileRecord } from './record.js'
import { type SignerSnippets, signerSnippets } from './snippets.js'
import { writeKeyFiles } from './write-key.js'

export interface KeygenRequest {
  domain: string
  selector: string
  type: KeygenType
  /** The private key file; for two keys, the RSA one (the ed25519 one gets the -ed25519 suffix). */
  out?: string
  /** Where a relative or default path is resolved (the CLI's current directory). */
  cwd: string
}

export interface PlannedKey {
  type: KeyType
  selector: string
  /** Absolute path of the private key file. */
  file: string
}

/** The ed25519 key's selector when RSA signs too: each key needs its own selector. */
export const edSelectorOf = (selector: string) => `${selector}-ed`

/** FILE -> FILE-ed25519, before the extension if it has one (dkim.key -> dkim-ed25519.key). */
export function edFileOf(file: string): string {
  const ext = path.extname(file)
  return ext && ext !== file ? `${file.slice(0, -ext.length)}-ed25519${ext}` : `${file}-ed25519`
}

export const defaultKeyFile = (selector: string, domain: string) => `${recordName(selector, domain)}.private`

/** Which keys, selectors and files a request means. Pure. */
export function planKeygen(request: KeygenRequest): PlannedKey[] {
  const domain = request.domain.replace(/\.$/, '').toLowerCase()
  const fileFor = (selector: string, isSecond: boolean) => {
    if (request.out === undefined) return path.resolve(request.cwd, defaultKeyFile(selector, domain))
    const out = path.resolve(request.cwd, request.out)
    return isSecond ? edFileOf(out) : out
  }
  return keyTypesOf(request.type).map((type, i) => {
    const selector = i === 0 ? request.selector : edSelectorOf(request.selector)
    return { type, selector, file: fileFor(selector, i > 0) }
  })
}

export interface KeygenRecord {
  selector: string
  algorithm: KeyAlgorithm
  /** The record's name, S._domainkey.D. */
  name: string
  /** The TXT value as one string (what provider panels want). */
  value: string
  /** The value split into strings of at most 255 bytes, in order: one record. */
  strings: string[]
  /** The zone-file form of the one record. */
  zone: string
}

export interface KeygenResult {
  domain: string
  type: KeygenType
  files: { selector: string; algorithm: KeyAlgorithm; path: string; mode: '0600' }[]
  records: KeygenRecord[]
  snippets: SignerSnippets
  advice: KeygenAdvice[]
}

function recordOf(domain: string, selector: string, key: DkimKey): KeygenRecord {
  const name = recordName(selector, domain)
  return {
    selector,
    algorithm: key.algorithm,
    name,
    value: key.publicRecord,
    strings: splitTxtStrings(key.publicRecord),
    zone: zoneFileRecord(name, key.publicRecord),
  }
}

/** Everything printed for keys already made (pure: no key material beyond the public part). */
export function describeKeys(
  request: Pick<KeygenRequest, 'domain' | 'selector' | 'type'>,
  planned: PlannedKey[],
  keys: DkimKey[],
  now: Date,
): KeygenResult {
  const domain = request.domain.replace(/\.$/, '').toLowerCase()
  const records = planned.map((p, i) => recordOf(domain, p.selector, keys[i] as DkimKey))
  const facts: AdviceFacts = {
    type: request.type,
    selector: request.selector,
    files: planned.map((p) => p.file),
    names: {
      rsa: records.find((r) => r.algorithm === 'rsa')?.name,
      ed: records.find((r) => r.algorithm === 'ed25519')?.name,
    },
    now,
  }
  const ed = planned.find((p) => p.type === 'ed25519')
  if (ed) facts.edFile = ed.file
  return {
    domain,
    type: request.type,
    files: planned.map((p, i) => ({
      selector: p.selector,
      algorithm: (keys[i] as DkimKey).algorithm,
      path: p.file,
      mode: '0600',
    })),
    records,
    snippets: signerSnippets(
      domain,
      planned.map((p, i) => ({
        selector: p.selector,
        algorithm: (keys[i] as DkimKey).algorithm,
        file: p.file,
      })),
    ),
    advice: keygenAdvice(facts),
  }
}

/** Makes the keys, writes them (0600, never over an existing file), and describes them. */
export async function runKeygen(request: KeygenRequest, now = new Date()): Promise<KeygenResult> {
  const planned = planKeygen(request)
  const keys = await Promise.all(planned.map((p) => makeDkimKey({ type: p.type })))
  await writeKeyFiles(planned.map((p, i) => ({ path: p.file, pem: (keys[i] as DkimKey).privatePem })))
  return describeKeys(request, planned, keys, now)
}
