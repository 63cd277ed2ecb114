// One summary row per message, for the UI's table (DkimBatchRow), from a report; the folder batch
// and the mbox run share it. A message that could not be verified is shared/contract's batchErrorRow.
import type { DkimBatchRow, DkimReport } from '../../../shared/contract/dkim.js'
import type { Severity } from '../../../shared/contract/mail.js'
import type { ArchiveReport } from './report.js'

export function reportRow(name: string, report: DkimReport | ArchiveReport): DkimBatchRow {
  const count = (severity: Severity) => report.findings.filter((f) => f.severity === severity).length
  return {
    name,
    verdict: report.verdict,
    alignedPass: report.alignedPass,
    from: report.from,
    domains: report.signatures.map((s) => s.domain),
    signatures: report.signatures.length,
    findings: { bad: count('bad'), warn: count('warn'), info: count('info') },
    error: null,
  }
}
