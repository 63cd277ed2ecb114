// One summary row per message, for the UI's table (DkimBatchRow): from a report, or the reason a
// message could not be verified at all. The folder batch and the mbox run share these.
import type { DkimBatchRow, DkimReport } from '../../../shared/contract/dkim.js'
import type { ArchiveReport } from './report.js'

/** A row's error sentence is kept to this length (a reason is a sentence, not a dump). */
export const ROW_ERROR_MAX_CHARS = 500

export function reportRow(name: string, report: DkimReport | ArchiveReport): DkimBatchRow {
  const count = (severity: 'critical' | 'warning' | 'info') =>
    report.findings.filter((f) => f.severity === severity).length
  return {
    name,
    verdict: report.verdict,
    alignedPass: report.alignedPass,
    from: report.from,
    domains: report.signatures.map((s) => s.domain),
    signatures: report.signatures.length,
    findings: { critical: count('critical'), warning: count('warning'), info: count('info') },
    error: null,
  }
}

export function errorRow(name: string, error: string): DkimBatchRow {
  return {
    name,
    verdict: 'none',
    alignedPass: false,
    from: null,
    domains: [],
    signatures: 0,
    findings: { critical: 0, warning: 0, info: 0 },
    error: error.slice(0, ROW_ERROR_MAX_CHARS),
  }
}
