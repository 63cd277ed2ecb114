// The last phase of verifyMessage: from what the header block, the body and the checked
// signatures showed, the DkimReport — alignment and the signature that counts for DMARC, the
// verdict, the findings, what the receiving server said, and each signature's report.
import type { DkimReport, DkimStep } from '../../shared/contract/dkim.js'
import { DKIM_RESULT_ORDER } from '../../shared/contract/mail.js'
import {
  type Alignment,
  alignmentOf,
  type OrganizationalDomains,
  organizationalDomainsFor,
} from './alignment.js'
import { parseAuthenticationResults } from './auth-results.js'
import { iso } from './check-signature.js'
import type { BodyContext } from './explain.js'
import {
  type Finding,
  finding,
  type MessageFacts,
  messageFindings,
  signatureFindings,
  sortFindings,
} from './findings.js'
import type { KeyLookup, KeySource } from './key-sources.js'
import {
  MAX_FINDING_DETAIL_CHARS,
  MAX_RECEIVED_RESULTS,
  MAX_SHOWN_CANONICAL_BYTES,
  MAX_SHOWN_HEADER_NAME,
  MAX_SHOWN_HEADER_VALUE,
  MAX_SHOWN_HEADERS,
  MAX_SHOWN_KEY_RECORD,
} from './limits.js'
import {
  displayValue,
  type HeaderBlock,
  type HeaderField,
  type LineEndingCounts,
  type SplitMessage,
  utf8Text,
} from './message.js'
import type { SignatureState } from './signature-state.js'

/** When signatures are judged: the time given, else the topmost Received time, else now. */
export interface JudgedTime {
  at: Date
  source: DkimReport['verifiedAtSource']
  atSeconds: number
  receivedAt: Date | null
}

/** What the header block gave: its fields, the time, one state per signature checked. */
export interface MessageHead {
  split: SplitMessage & { ended: boolean }
  block: HeaderBlock
  fields: readonly HeaderField[]
  time: JudgedTime
  /** Every DKIM-Signature field, checked or not (at most MAX_SIGNATURES_VERIFIED are). */
  signatureCount: number
  states: SignatureState[]
}

/** What the body gave: its size, its line endings, and what explains a body hash mismatch. */
export interface MessageBody {
  bytes: number
  endings: LineEndingCounts
  context: BodyContext
}

function bounded(text: string, max: number): { text: string; truncated: boolean } {
  return text.length > max ? { text: text.slice(0, max), truncated: true } : { text, truncated: false }
}

export async function messageReport(
  head: MessageHead,
  body: MessageBody,
  keys: KeySource,
  givenAt: Date | null | undefined,
  light = false,
): Promise<DkimReport> {
  const { fields, split, states, time } = head
  const message = messageFindings(head.block, fields, split, body.endings, head.signatureCount, states.length)
  const organizational = await organizationalDomainsFor(
    states.map(signingDomain),
    message.authorAmbiguous ? null : message.fromDomain,
    keys,
  )
  const { alignments, dmarc } = alignmentsOf(states, message, organizational)
  const findings: Finding[] = [...message.findings]
  if (organizational.fallback)
    findings.push(finding('alignment-walk-failed', organizational.fallback.replace(/\.?$/, '.')))
  findings.push(
    ...signatureFindings({
      states,
      fields,
      alignments,
      dmarc,
      fromDomain: message.fromDomain,
      authorAmbiguous: message.authorAmbiguous,
      atSeconds: time.atSeconds,
      nowSeconds: givenAt ? givenAt.getTime() / 1000 : Date.now() / 1000,
      receivedAt: time.receivedAt,
      bodyContext: body.context,
    }),
  )
  const receivedResults = receivedResultsOf(fields, states)
  const disagreement = disagreementFinding(receivedResults, states, keys)
  if (disagreement) findings.push(disagreement)
  return {
    signatures: states.map((state) =>
      signatureReport(state, alignments[state.index] ?? 'none', dmarc === state, light),
    ),
    findings: sortFindings(findings).map((f) => ({
      ...f,
      detail: f.detail.slice(0, MAX_FINDING_DETAIL_CHARS),
    })),
    from: message.fromAddress,
    fromDomain: message.fromDomain,
    verdict:
      states.length === 0
        ? 'none'
        : (DKIM_RESULT_ORDER.find((r) => states.some((s) => s.result === r)) ?? 'none'),
    alignedPass: dmarc !== null,
    dmarcSignature: dmarc?.index ?? null,
    alignmentBasis: organizational.basis,
    receivedResults,
    verifiedAt: time.at.toISOString(),
    verifiedAtSource: time.source,
    lineEndings: lineEndingsOf(split.headerEndings, body.endings),
    sizeBytes: split.rawHeaderBytes + split.separatorBytes + body.bytes,
    headerBytes: split.rawHeaderBytes,
    bodyBytes: body.bytes,
    headers: light ? [] : shownHeaders(fields),
    headersTruncated: fields.length > MAX_SHOWN_HEADERS,
  }
}

function signingDomain(state: SignatureState): string {
  return state.parsed?.domain ?? state.failure?.domain ?? ''
}

/** Each signature's alignment with From, and the one that counts for DMARC (strict before relaxed). */
function alignmentsOf(
  states: readonly SignatureState[],
  message: MessageFacts,
  organizational: OrganizationalDomains,
): { alignments: Alignment[]; dmarc: SignatureState | null } {
  // An ambiguous author (two From fields, a first line some clients show as the sender) is aligned
  // with nothing: which author the reader sees is not the verifier's to pick.
  const alignments = states.map((state) =>
    message.authorAmbiguous ? 'none' : alignmentOf(signingDomain(state), message.fromDomain, organizational),
  )
  const passing = states.filter((s) => s.result === 'pass')
  const dmarc =
    passing.find((s) => alignments[s.index] === 'strict') ??
    passing.find((s) => alignments[s.index] === 'relaxed') ??
    null
  return { alignments, dmarc }
}

function lineEndingsOf(header: LineEndingCounts, body: LineEndingCounts): DkimReport['lineEndings'] {
  const crlf = header.crlf + body.crlf
  const bareLf = header.bareLf + body.bareLf
  return crlf === 0 && bareLf === 0 ? 'none' : bareLf === 0 ? 'crlf' : crlf === 0 ? 'lf' : 'mixed'
}

/** Every dkim= of the Authentication-Results fields, matched to a signature (by header.b, else d= and s=). */
function receivedResultsOf(
  fields: readonly HeaderField[],
  states: readonly SignatureState[],
): DkimReport['receivedResults'] {
  const receivedResults: DkimReport['receivedResults'] = []
  const signaturesBase64 = states.map((s) => s.parsed?.signature.toString('base64') ?? '')
  for (const field of fields) {
    if (field.key !== 'authentication-results') continue
    for (const entry of parseAuthenticationResults(displayValue(field))) {
      const match =
        states.find(
          (s) =>
            s.parsed &&
            entry.signaturePrefix !== null &&
            entry.signaturePrefix.length >= 8 &&
            (signaturesBase64[s.index] ?? '').startsWith(entry.signaturePrefix),
        ) ??
        states.find(
          (s) =>
            entry.signaturePrefix === null &&
            (s.parsed?.domain ?? s.failure?.domain) === entry.domain &&
            (entry.selector === null || (s.parsed?.selector ?? s.failure?.selector) === entry.selector),
        ) ??
        null
      const ours = match?.result ?? null
      receivedResults.push({
        server: entry.server,
        result: entry.result,
        domain: entry.domain,
        selector: entry.selector,
        signaturePrefix: entry.signaturePrefix,
        signature: match?.index ?? null,
        ours,
        disagrees: ours !== null && ours !== entry.result,
      })
      if (receivedResults.length >= MAX_RECEIVED_RESULTS) break
    }
  }
  return receivedResults
}

/** auth-results-disagree, saying for each disagreement what each side found. */
function disagreementFinding(
  receivedResults: DkimReport['receivedResults'],
  states: readonly SignatureState[],
  keys: KeySource,
): Finding | null {
  const disagreements = receivedResults.filter((r) => r.disagrees)
  if (disagreements.length === 0) return null
  return finding(
    'auth-results-disagree',
    disagreements
      .map(
        (r) =>
          `${r.server || 'The receiving server'} wrote dkim=${r.result} for ${r.domain ?? 'a signature'}; Mailwarden finds ${r.ours}${
            r.signature === null ? '' : noKeyBecause(states[r.signature]?.keyLookup ?? null, keys)
          }.`,
      )
      .join(' '),
    disagreements[0]?.signature ?? null,
  )
}

/** Why a signature had no key, named by the source that said so (a key file is not DNS). */
function noKeyBecause(lookup: KeyLookup | null, keys: KeySource): string {
  if (lookup?.kind !== 'none') return ''
  return lookup.from === 'key-file'
    ? ' because the key records you gave have no key for it'
    : ` because ${keys.description} has no key for it now`
}

/** The message's header fields as the one-message view lists them, bounded. */
function shownHeaders(fields: readonly HeaderField[]): DkimReport['headers'] {
  return fields.slice(0, MAX_SHOWN_HEADERS).map((f) => ({
    name: utf8Text(f.name.replace(/[\r\n]+/g, ' ')).slice(0, MAX_SHOWN_HEADER_NAME),
    value: displayValue(f).slice(0, MAX_SHOWN_HEADER_VALUE),
  }))
}

function signatureReport(
  state: SignatureState,
  alignment: Alignment,
  counts: boolean,
  light: boolean,
): DkimReport['signatures'][number] {
  const p = state.parsed
  const f = state.failure
  const shown = light ? null : shownSignature(state)
  return {
    index: state.index,
    domain: utf8Text(p?.domain ?? f?.domain ?? ''),
    selector: utf8Text(p?.selector ?? f?.selector ?? ''),
    algorithm: utf8Text(p?.algorithm ?? f?.algorithm ?? ''),
    canonicalization: p ? `${p.headerCanon}/${p.bodyCanon}` : utf8Text(f?.canonicalization ?? ''),
    result: state.result,
    reason: state.reason,
    keyBits: state.key?.bits ?? null,
    bodyLength: p?.bodyLength ?? null,
    signedHeaders: (p?.signedHeaders ?? f?.signedHeaders ?? []).map(utf8Text),
    aligned: alignment !== 'none',
    alignment,
    testing: state.key?.testing ?? false,
    identity: p?.identity ? utf8Text(p.identity) : null,
    signedAt: iso(p?.signedAt ?? null),
    expiresAt: iso(p?.expiresAt ?? null),
    countsForDmarc: counts,
    steps: shown?.steps ?? [],
    body: {
      signedBytes:
        state.canonicalTotal === null
          ? null
          : p?.bodyLength != null
            ? Math.min(p.bodyLength, state.canonicalTotal)
            : state.canonicalTotal,
      totalBytes: state.canonicalTotal,
      claimedHash: p?.bodyHashText ?? null,
      computedHash: state.bodyHash?.digest ? state.bodyHash.digest.toString('base64') : null,
      matches: state.bodyOk,
    },
    canonicalHeaders: shown?.canonicalHeaders ?? null,
    rawField: shown?.rawField ?? { text: '', truncated: false },
    keySource: state.keySource,
    keyRecord: shown?.keyRecord ?? null,
  }
}

/** What only the one-message view shows of a signature: its steps, the bytes it hashed, its key. */
function shownSignature(state: SignatureState) {
  return {
    steps: (Object.keys(state.steps) as DkimStep['name'][]).map((name) => ({ name, ...state.steps[name] })),
    canonicalHeaders:
      state.headerBlock === null ? null : bounded(utf8Text(state.headerBlock), MAX_SHOWN_CANONICAL_BYTES),
    rawField: bounded(utf8Text(state.field.raw), MAX_SHOWN_CANONICAL_BYTES),
    keyRecord: state.keyRecord ? state.keyRecord.slice(0, MAX_SHOWN_KEY_RECORD) : null,
  }
}
