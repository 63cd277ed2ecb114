// The reference verifiers the differential test compares Mailwarden with: dkimpy (one Python
// process for a whole list of files) and mailauth 7 in strict mode (in process). Both read keys
// from the same key file as Mailwarden (whose key source for the corpus is here too, mailwardenKeys);
// none touches DNS, and the TRANSIENT_KEY_NAMES fail for all as a DNS timeout does.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dkimVerify } from 'mailauth/lib/dkim/verify'
import { type KeyLookup, type KeySource, keyFileSource } from '../../core/dkim/index.js'
import { TRANSIENT_KEY_NAMES } from './keys.js'
import { DKIMPY_SCRIPT, PYTHON } from './signers.js'

/** One signature's outcome, topmost first, in each peer's own words. */
export interface PeerSignature {
  pass: boolean
  /**
   * The peer's RFC 8601 result word: mailauth's own (pass, fail, neutral, policy, temperror,
   * permerror, none); dkimpy's verify() returns a boolean per signature, so "pass" or "fail".
   */
  word: string
  /** The peer's word and message, for the disagreement report. */
  detail: string
  domain?: string
  selector?: string
}

/** `NAME TXT-VALUE` lines to name -> records (lower case, no trailing dot). */
export function readKeyFile(file: string): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const space = line.indexOf(' ')
    const name = line.slice(0, space).toLowerCase().replace(/\.$/, '')
    map.set(name, [...(map.get(name) ?? []), line.slice(space + 1)])
  }
  return map
}

/** dkimpy verifies each signature of each file (`now` = the verification time in seconds). */
export async function dkimpyVerify(
  files: string[],
  keysFile: string,
  now?: (file: string) => number | undefined,
): Promise<PeerSignature[][]> {
  // One process per distinct verification time (dkimpy reads the clock, see dkimpy.py).
  const groups = new Map<number | undefined, number[]>()
  files.forEach((f, i) => {
    const t = now?.(f)
    groups.set(t, [...(groups.get(t) ?? []), i])
  })
  const out: PeerSignature[][] = new Array(files.length)
  for (const [time, indexes] of groups) {
    const request = { op: 'verify', keys: keysFile, now: time ?? null, files: indexes.map((i) => files[i]) }
    const answer = await new Promise<string>((resolve, reject) => {
      const child = spawn(PYTHON, [DKIMPY_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (d) => {
        stdout += d
      })
      child.stderr.setEncoding('utf8').on('data', (d) => {
        stderr += d
      })
      child.on('error', reject)
      child.on('close', (code) =>
        code === 0 ? resolve(stdout) : reject(new Error(`dkimpy verify: ${stderr}`)),
      )
      child.stdin.end(JSON.stringify(request))
    })
    const results = JSON.parse(answer) as Array<Array<{ ok: boolean; error: string | null }>>
    results.forEach((per, k) => {
      out[indexes[k] as number] = per.map((r) => ({
        pass: r.ok,
        word: r.ok ? 'pass' : 'fail',
        detail: r.ok ? 'pass' : (r.error ?? 'fail'),
      }))
    })
  }
  return out
}

/** A mailauth resolver that answers TXT from the key file and nothing else; `transient` names time out. */
export function keyFileResolver(keys: Map<string, string[]>, transient: ReadonlySet<string> = new Set()) {
  return async (name: string, rrtype: string): Promise<string[][]> => {
    if (transient.has(name.toLowerCase().replace(/\.$/, '')))
      throw Object.assign(new Error(`${name}: DNS timeout`), { code: 'ETIMEOUT' })
    const records = rrtype === 'TXT' ? keys.get(name.toLowerCase().replace(/\.$/, '')) : undefined
    if (!records) throw Object.assign(new Error(`${name} not in the key file`), { code: 'ENOTFOUND' })
    return records.map((r) => [r])
  }
}

export async function mailauthVerify(
  message: Buffer,
  keys: Map<string, string[]>,
  at?: Date,
  transient: ReadonlySet<string> = TRANSIENT_KEY_NAMES,
): Promise<PeerSignature[]> {
  const { results } = await dkimVerify(message, {
    resolver: keyFileResolver(keys, transient),
    strict: true,
    ...(at ? { curTime: at } : {}),
  })
  return results.map((r) => ({
    pass: r.status.result === 'pass',
    word: r.status.result,
    detail: `${r.status.result}${r.status.comment ? ` (${r.status.comment})` : ''}`,
    ...(r.signingDomain ? { domain: r.signingDomain } : {}),
    ...(r.selector ? { selector: r.selector } : {}),
  }))
}

/** Mailwarden's key source for the corpus: the key file, and the transient names time out. */
export function mailwardenKeys(
  keysText: string,
  transient: ReadonlySet<string> = TRANSIENT_KEY_NAMES,
): KeySource {
  const file = keyFileSource(keysText)
  return {
    description: file.description,
    lookup: async (name): Promise<KeyLookup> =>
      transient.has(name.toLowerCase().replace(/\.$/, ''))
        ? { kind: 'temperror', reason: `${name}: DNS timeout` }
        : file.lookup(name),
  }
}
