// How `mailwarden domain check` says its report in words: per phase what was found (the mail
// sections in domain-mail-report.ts), then every finding (most serious first) with what it means
// and what to do, then the first steps in order, then what was not checked.
import type { Severity } from '../../../shared/contract/mail.js'
import { plain } from '../../../shared/report/text.js'
import type { DomainCheckReport } from '../../domain/check/index.js'
import { mailLines } from './domain-mail-report.js'

const MARK: Record<Severity, string> = { bad: 'BAD ', warn: 'WARN', info: 'info' }

function dkimLines(report: DomainCheckReport): string[] {
  const { dkim } = report
  const lines = [`DKIM keys (${dkim.selectorsTried} selector(s) asked):`]
  if (dkim.selectors.length === 0)
    lines.push('  none found (a selector not in the list may still exist: use --selector)')
  for (const s of dkim.selectors) {
    const key = s.key
      ? `${s.key.keyType} ${s.key.bits} bits${s.key.testing ? ', t=y' : ''}${s.key.matchesPrivateKey === undefined ? '' : s.key.matchesPrivateKey ? ', matches --private-key' : ', does NOT match --private-key'}`
      : s.status
    lines.push(`  ${s.name}: ${key}${s.source ? ` (common selector of ${s.source})` : ''}`)
  }
  return lines
}

export function formatDomainReport(report: DomainCheckReport): string {
  const { spf, dmarc, domainKeysPolicy } = report
  const lines: string[] = [`Domain check of ${report.domain} (${report.resolver}): ${report.verdict}`, '']
  lines.push(...dkimLines(report))
  lines.push(`DomainKeys policy (_domainkey.${report.domain}): ${domainKeysPolicy.record ?? 'none'}`)
  lines.push(`SPF: ${spf.record ?? 'none'}`)
  if (spf.record) lines.push(`  ${spf.lookups.length} DNS lookup(s) of 10, ${spf.voidLookups} void of 2`)
  lines.push(
    `DMARC: ${dmarc.record ? `${dmarc.record} (at ${dmarc.recordName}${dmarc.inherited ? ', inherited' : ''})` : 'none'}`,
  )
  if (dmarc.organizationalDomain)
    lines.push(
      `  organizational domain: ${dmarc.organizationalDomain} (${dmarc.queried.length} tree-walk quer${dmarc.queried.length === 1 ? 'y' : 'ies'})`,
    )
  lines.push(...mailLines(report))
  lines.push('', 'Findings:')
  for (const f of report.findings) {
    lines.push(`  ${MARK[f.severity]}  ${f.title} [${f.id}]`)
    lines.push(`        ${f.detail}`)
    if (f.severity !== 'info') lines.push(`        Fix: ${f.fix}`)
  }
  if (report.firstSteps.length > 0) {
    lines.push('', 'What to change first:')
    report.firstSteps.forEach((step, i) => {
      lines.push(`  ${i + 1}. ${step.replaceAll('DOMAIN', report.domain)}`)
    })
  }
  for (const note of report.notes) lines.push('', `Note: ${note}`)
  return lines.map(plain).join('\n')
}
