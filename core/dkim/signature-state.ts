// What is known about one signature while a message is verified: made when the header block is
// read, filled in by the key lookup, the body hash and the checks (check-signature.ts), read by
// the findings (findings.ts) and the report (message-report.ts). Its own module, so that none of
// them imports another for the type.
import type { DkimFinding, DkimStep, DkimStepStatus } from '../../shared/contract/dkim.js'
import type { DkimResult } from '../../shared/contract/mail.js'
import type { BodyHash } from './canon-body.js'
import type { PublicKeyRecord } from './key-record.js'
import type { KeyLookup } from './key-sources.js'
import type { HeaderField } from './message.js'
import type { ParsedSignature, SignatureFailure } from './signature.js'

export type StepMap = Record<DkimStep['name'], { status: DkimStepStatus; sentence: string }>

/** Everything known about one signature while it is being checked. */
export interface SignatureState {
  index: number
  field: HeaderField
  parsed: ParsedSignature | null
  failure: SignatureFailure | null
  result: DkimResult
  reason: string | null
  steps: StepMap
  bodyHash: BodyHash | null
  canonicalTotal: number | null
  key: PublicKeyRecord | null
  keyName: string | null
  keySource: string | null
  keyRecord: string | null
  keyLookup: KeyLookup | null
  headerBlock: string | null
  cryptoOk: boolean | null
  bodyOk: boolean | null
  findings: DkimFinding[]
}

function newSteps(): StepMap {
  const skipped = { status: 'skipped' as const, sentence: 'Not reached.' }
  return {
    'fetch-key': { ...skipped },
    'check-key': { ...skipped },
    'hash-body': { ...skipped },
    'hash-headers': { ...skipped },
    verify: { ...skipped },
  }
}

/** A signature not yet looked at: every step skipped, the result neutral until a check decides. */
export function newSignatureState(index: number, field: HeaderField): SignatureState {
  return {
    index,
    field,
    parsed: null,
    failure: null,
    result: 'neutral',
    reason: null,
    steps: newSteps(),
    bodyHash: null,
    canonicalTotal: null,
    key: null,
    keyName: null,
    keySource: null,
    keyRecord: null,
    keyLookup: null,
    headerBlock: null,
    cryptoOk: null,
    bodyOk: null,
    findings: [],
  }
}

export function step(
  state: SignatureState,
  name: DkimStep['name'],
  status: DkimStepStatus,
  sentence: string,
): void {
  state.steps[name] = { status, sentence }
}

export function fail(state: SignatureState, result: DkimResult, reason: string): void {
  state.result = result
  state.reason = reason
}
