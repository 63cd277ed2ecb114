// What a verifier thread sends back for each message of an archive: the report without what only
// the one-message view shows (each signature's canonicalized header block, raw field, key record
// and step sentences; the message's own headers). Cloning those into the main thread for every
// message of a big mbox was about a third of the run's peak memory, and no archive view uses them.
import type { DkimReport, DkimSignatureReport } from '../../../shared/contract/dkim.js'

export type ArchiveSignature = Omit<
  DkimSignatureReport,
  'canonicalHeaders' | 'rawField' | 'keyRecord' | 'steps'
>
export type ArchiveReport = Omit<DkimReport, 'signatures' | 'headers' | 'headersTruncated'> & {
  signatures: ArchiveSignature[]
}

export function archiveReport(report: DkimReport): ArchiveReport {
  const { headers: _headers, headersTruncated: _truncated, signatures, ...rest } = report
  return {
    ...rest,
    signatures: signatures.map(
      ({ canonicalHeaders: _c, rawField: _r, keyRecord: _k, steps: _s, ...signature }) => signature,
    ),
  }
}
