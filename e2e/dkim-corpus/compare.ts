// The exact comparison of the differential test: per signature (topmost first), Mailwarden's
// RFC 8601 result word against a peer's. mailauth (strict) gives a word per signature, so the
// words must be equal; dkimpy's verify() says only pass or not per signature, so against dkimpy
// the question is "pass or not". Each disagreement must match one ExpectedDisagreement: its
// category (a section of docs/dkim-differences.md), the peer, the case and both words.
import type { DkimReport, DkimResult } from '../../core/dkim/index.js'
import type { PeerSignature } from './peers.js'

export type Peer = 'dkimpy' | 'mailauth'

/** A signature one side reports and the other does not. */
export const ABSENT = 'absent'

export interface Disagreement {
  case: string
  peer: Peer
  /** 1-based, topmost first; 0 for the message as a whole (an unsigned message). */
  signature: number
  ours: DkimResult | typeof ABSENT
  /** mailauth's word; dkimpy's "pass" or "fail" (all it says). */
  theirs: string
  /** Both sides' reasons, for the failure message. */
  detail: string
}

export interface ExpectedDisagreement {
  /** The category: a section of docs/dkim-differences.md holds `id: <id>`. */
  id: string
  peer: Peer
  /** Case names (generated corpus) or file names (e2e/corpus/dkim-real) it covers. */
  cases: RegExp
  ours: DkimResult | typeof ABSENT
  theirs: string
}

/** Every place where Mailwarden and one peer do not say the same thing about a signature. */
export function compareWithPeer(
  caseName: string,
  report: DkimReport,
  peer: Peer,
  theirs: readonly PeerSignature[],
): Disagreement[] {
  const out: Disagreement[] = []
  // mailauth reports an unsigned message as one "none" result; Mailwarden as no signature and the
  // verdict "none" (RFC 8601 2.7.1): the message as a whole is compared then.
  if (report.signatures.length === 0 && theirs.length > 0 && theirs.every((s) => s.domain === undefined)) {
    for (const s of theirs) {
      if (peer === 'mailauth' ? s.word !== report.verdict : s.word === 'pass')
        out.push({
          case: caseName,
          peer,
          signature: 0,
          ours: report.verdict,
          theirs: s.word,
          detail: `Mailwarden: verdict ${report.verdict}; ${peer}: ${s.detail}`,
        })
    }
    return out
  }
  const count = Math.max(theirs.length, report.signatures.length)
  for (let i = 0; i < count; i++) {
    const ours = report.signatures[i]
    const their = theirs[i]
    const oursWord = ours?.result ?? ABSENT
    const theirWord = their?.word ?? ABSENT
    const differ =
      peer === 'mailauth' || oursWord === ABSENT || theirWord === ABSENT
        ? oursWord !== theirWord
        : (oursWord === 'pass') !== (theirWord === 'pass')
    if (!differ) continue
    out.push({
      case: caseName,
      peer,
      signature: i + 1,
      ours: oursWord,
      theirs: theirWord,
      detail: `Mailwarden: ${ours ? `${ours.domain}/${ours.selector} ${ours.result} (${ours.reason ?? 'verified'})` : 'no such signature'}; ${peer}: ${their ? `${their.domain ?? '?'}/${their.selector ?? '?'} ${their.detail}` : 'no such signature'}`,
    })
  }
  return out
}

/** The entry that explains a disagreement, if any. */
export function explain(
  d: Disagreement,
  expected: readonly ExpectedDisagreement[],
): ExpectedDisagreement | undefined {
  return expected.find(
    (e) => e.peer === d.peer && e.ours === d.ours && e.theirs === d.theirs && e.cases.test(d.case),
  )
}

/** The failure line for an unexplained disagreement: the case, the peer and both words. */
export function describeDisagreement(d: Disagreement): string {
  return `${d.case} signature ${d.signature}: Mailwarden ${d.ours}, ${d.peer} ${d.theirs} -- ${d.detail}`
}
