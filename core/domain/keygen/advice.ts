// Which advice a new key gets, filled from the facts of the run: the key types, the selector,
// the files. The texts are data in shared/knowledge/dkim-keygen-advice.ts.
import type { Severity } from '../../../shared/contract/mail.js'
import { DKIM_KEYGEN_ADVICE, type KeygenAdviceId } from '../../../shared/knowledge/dkim-keygen-advice.js'
import type { KeygenType } from './make-key.js'

export interface KeygenAdvice {
  id: KeygenAdviceId
  severity: Severity
  title: string
  detail: string
  fix: string
}

/** A selector that names its date: s20261207, 2026-12, dkim202612, mail-2026q4 ... */
export function isDatedSelector(selector: string): boolean {
  return /(?:19|20)\d\d(?:[-_]?(?:0[1-9]|1[0-2]|q[1-4]))?/i.test(selector)
}

/** `s` and the date as YYYYMMDD: the selector suggested for rotation. */
export function datedSelector(now: Date): string {
  return `s${now.toISOString().slice(0, 10).replaceAll('-', '')}`
}

export interface AdviceFacts {
  type: KeygenType
  selector: string
  /** The files written, in key order; the ed25519 one when there is one. */
  files: string[]
  edFile?: string
  names: { rsa?: string; ed?: string }
  now: Date
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole)
}

export function keygenAdvice(facts: AdviceFacts): KeygenAdvice[] {
  const ids: KeygenAdviceId[] = []
  if (facts.type === 'rsa-2048' || facts.type === 'rsa-2048+ed25519') ids.push('keygen-rsa-2048')
  if (facts.type === 'rsa-3072') ids.push('keygen-rsa-3072-long-record')
  if (facts.type === 'ed25519') ids.push('keygen-ed25519-alone')
  if (facts.type === 'rsa-2048+ed25519') ids.push('keygen-ed25519-with-rsa')
  if (facts.edFile) ids.push('keygen-ed25519-format')
  if (!isDatedSelector(facts.selector)) ids.push('keygen-selector-not-dated')
  ids.push('keygen-keep-old-record', 'keygen-no-test-flag', 'keygen-key-permissions')
  const values: Record<string, string> = {
    selector: facts.selector,
    suggested: datedSelector(facts.now),
    file: facts.files.join(' and '),
    edFile: facts.edFile ?? '',
    name: facts.names.rsa ?? facts.names.ed ?? '',
    rsaName: facts.names.rsa ?? '',
    edName: facts.names.ed ?? '',
  }
  return ids.map((id) => {
    const text = DKIM_KEYGEN_ADVICE[id]
    return {
      id,
      severity: text.severity,
      title: fill(text.title, values),
      detail: fill(text.detail, values),
      fix: fill(text.fix, values),
    }
  })
}
