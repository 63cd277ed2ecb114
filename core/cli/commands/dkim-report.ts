// How `mailwarden dkim verify` says a report: the human text of one message (`formatReport`), the
// JSON of one (`jsonShape`, also each row of many), and every value from a message made safe for
// a terminal (`shown`).
import type { DkimReport, DkimSignatureReport } from '../../../shared/contract/dkim.js'
import { SEVERITY_RANK } from '../../../shared/contract/mail.js'
import { authorAmbiguous, DKIM_FINDINGS } from '../../../shared/knowledge/dkim-findings.js'
import type { ArchiveReport } from '../../dkim/archive/index.js'

// Terminal output must not let a message's bytes move the cursor, recolour or reorder text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is escaped
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** A value from the message, safe to print: control, C1 and bidi characters shown as \u{...}. */
export function shown(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${(c.codePointAt(0) as number).toString(16)}}`)
}

/** What the findings table says a finding means and what to do (the page shows both). */
function findingAdvice(id: string): { explain: string; advice: string } | Record<string, never> {
  if (!Object.hasOwn(DKIM_FINDINGS, id)) return {}
  const { explain, advice } = DKIM_FINDINGS[id as keyof typeof DKIM_FINDINGS]
  return { explain, advice }
}

/**
 * The JSON of one message: what `formatReport` prints, as data (the fields of the first version
 * first, so scripts written against them keep working). A one-message report also carries each
 * signature's steps that did not pass; an archive's lighter report has none to carry.
 */
export function jsonShape(report: ArchiveReport | DkimReport) {
  return {
    signatures: report.signatures.map((s) => ({
      domain: s.domain,
      selector: s.selector,
      algorithm: s.algorithm,
      canonicalization: s.canonicalization,
      result: s.result,
      reason: s.reason,
      keyBits: s.keyBits,
      bodyLength: s.bodyLength,
      signedHeaders: s.signedHeaders,
      aligned: s.aligned,
      testing: s.testing,
      alignment: s.alignment,
      countsForDmarc: s.countsForDmarc,
      identity: s.identity,
      signedAt: s.signedAt,
      expiresAt: s.expiresAt,
      body: { signedBytes: s.body.signedBytes, totalBytes: s.body.totalBytes, matches: s.body.matches },
      keySource: s.keySource,
      ...('steps' in s
        ? {
            stepsNotOk: s.steps
              .filter((step) => step.status !== 'ok')
              .map(({ name, status, sentence }) => ({ name, status, sentence })),
          }
        : {}),
    })),
    findings: report.findings.map((f) => ({
      id: f.id,
      severity: f.severity,
      title: f.title,
      detail: f.detail,
      signature: f.signature,
      ...findingAdvice(f.id),
    })),
    from: report.from,
    verdict: report.verdict,
    alignedPass: report.alignedPass,
    fromDomain: report.fromDomain,
    dmarcSignature: report.dmarcSignature,
    receivedResults: report.receivedResults,
    verifiedAt: report.verifiedAt,
    verifiedAtSource: report.verifiedAtSource,
    lineEndings: report.lineEndings,
  }
}

function verdictSentence(report: DkimReport): string {
  if (report.signatures.length === 0) return 'none: the message has no DKIM signature.'
  const counting = report.dmarcSignature === null ? null : report.signatures[report.dmarcSignature]
  if (report.alignedPass && counting)
    return `pass: the signature of ${shown(counting.domain)} verifies and is aligned with From${report.fromDomain ? ` (${shown(report.fromDomain)})` : ''}.`
  const passing = report.signatures.filter((s) => s.result === 'pass')
  if (passing.length > 0 && authorAmbiguous(report.findings))
    return `${report.verdict}: ${passing.map((s) => shown(s.domain)).join(', ')} verifies, but the message names its author more than once (see the findings marked bad), so no signature is aligned with From.`
  if (passing.length > 0)
    return `${report.verdict}: ${passing.map((s) => shown(s.domain)).join(', ')} verifies, but no passing signature is aligned with From${report.fromDomain ? ` (${shown(report.fromDomain)})` : ''}.`
  return `${report.verdict}: no signature verifies.`
}

function bodyLine(s: DkimSignatureReport): string {
  const { signedBytes, totalBytes, matches } = s.body
  const hash = matches === null ? 'not checked' : matches ? 'matches' : 'does NOT match'
  if (s.bodyLength === null)
    return `body: whole body signed${totalBytes === null ? '' : ` (${totalBytes} canonical bytes)`}, hash ${hash}`
  return `body: l=${s.bodyLength}, ${signedBytes ?? '?'} of ${totalBytes ?? '?'} canonical bytes signed, hash ${hash}`
}

export function formatReport(report: DkimReport, label?: string): string {
  const lines: string[] = []
  lines.push(`DKIM verdict: ${verdictSentence(report)}`)
  if (label) lines.push(`Message: ${shown(label)}`)
  lines.push(`From: ${report.from === null ? '(none)' : shown(report.from)}`)
  report.signatures.forEach((s, i) => {
    const dmarc = report.dmarcSignature === i ? ', counts for DMARC' : ''
    const key = s.keyBits ? `, ${s.keyBits}-bit key` : ''
    lines.push('')
    lines.push(
      `Signature ${i + 1}: ${s.result}  d=${shown(s.domain)} s=${shown(s.selector)} ${shown(s.algorithm)} ${shown(s.canonicalization)}${key}${s.testing ? ', testing (t=y)' : ''}`,
    )
    lines.push(`  aligned with From: ${s.aligned ? `yes (${s.alignment})` : 'no'}${dmarc}`)
    if (s.reason) lines.push(`  reason: ${shown(s.reason)}`)
    for (const step of s.steps)
      if (step.status !== 'ok') lines.push(`  ${step.name}: ${step.status}: ${shown(step.sentence)}`)
    lines.push(`  signed headers: ${s.signedHeaders.map(shown).join(' ') || '(none)'}`)
    lines.push(`  ${bodyLine(s)}`)
    if (s.signedAt || s.expiresAt)
      lines.push(`  signed ${s.signedAt ?? '?'}${s.expiresAt ? `, expires ${s.expiresAt}` : ''}`)
    if (s.keySource) lines.push(`  key from: ${shown(s.keySource)}`)
  })
  if (report.receivedResults.length > 0) {
    lines.push('')
    lines.push('The receiving server said:')
    for (const r of report.receivedResults) {
      const about = r.domain ? ` for ${shown(r.domain)}` : ''
      lines.push(
        `  ${shown(r.server)}: dkim=${shown(r.result)}${about}${r.disagrees ? ` (Mailwarden: ${r.ours ?? 'no such signature'})` : ''}`,
      )
    }
  }
  if (report.findings.length > 0) {
    lines.push('')
    lines.push('Findings:')
    for (const f of [...report.findings].sort(
      (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
    )) {
      lines.push(`  [${f.severity}] ${shown(f.title)}: ${shown(f.detail)}`)
      const { advice } = findingAdvice(f.id)
      if (advice) lines.push(`    what to do: ${advice}`)
    }
  }
  return lines.join('\n')
}
