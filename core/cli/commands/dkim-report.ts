// How `mailwarden dkim verify` says the report of one message in words (`formatReport`); its JSON
// and the rows of many messages are core/dkim/archive/printed.ts, made in the verifier threads.
import type { DkimReport, DkimSignatureReport } from '../../../shared/contract/dkim.js'
import { SEVERITY_RANK } from '../../../shared/contract/mail.js'
import { authorAmbiguous } from '../../../shared/knowledge/dkim-findings.js'
import { findingAdvice, shown } from '../../dkim/archive/printed.js'

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

/** How relaxed alignment found Organizational Domains (a key file: no DNS may be asked). */
const ALIGNMENT_BASIS: Record<DkimReport['alignmentBasis'], string> = {
  'dns-tree-walk': 'organizational domains by the DMARC DNS tree walk (RFC 9989)',
  'public-suffix-list': 'organizational domains by the public suffix list (no DNS tree walk)',
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
  if (report.signatures.length > 0) lines.push(`Alignment: ${ALIGNMENT_BASIS[report.alignmentBasis]}`)
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
