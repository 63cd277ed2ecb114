import type { DkimReport } from '../../../shared/contract/index.js'
import { authorAmbiguous } from '../../../shared/knowledge/dkim-findings.js'
import { Findings } from './Findings.js'
import { MessageHeaders } from './MessageHeaders.js'
import { ReceivedResults } from './ReceivedResults.js'
import { ResultBadge, SenderBadge } from './ResultBadge.js'
import { SignatureCard } from './SignatureCard.js'
import { RESULT_SENTENCE } from './words.js'

const AS_OF_SOURCE: Record<DkimReport['verifiedAtSource'], string> = {
  given: 'the date you chose',
  received: 'when the message was received (its topmost Received header)',
  now: 'now (the message has no Received time)',
}

function dmarcSentence(report: DkimReport): string {
  const domain = report.fromDomain ?? 'the From domain'
  if (!report.alignedPass && authorAmbiguous(report.findings))
    return 'The message names its author more than once (see the findings below): DKIM vouches for none of them, whatever your mail program shows as the sender.'
  return report.alignedPass
    ? `A signature of ${domain} (or its organisation) passes: the From address is vouched for, which is what DMARC needs.`
    : `No passing signature is aligned with ${domain}: DKIM does not vouch for the From address you see.`
}

/** How relaxed alignment found organisational domains: a key file asks no DNS. */
const ALIGNMENT_BASIS: Record<DkimReport['alignmentBasis'], string> = {
  'dns-tree-walk': 'Organisational domains found by the DMARC DNS tree walk (RFC 9989).',
  'public-suffix-list': 'Organisational domains found by the public suffix list (no DNS tree walk).',
}

function sizeWords(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
}

/** The report on one message: the verdict, the receiving server's view, findings, signatures, headers. */
export function Report({ report, name, uploaded }: { report: DkimReport; name: string; uploaded: boolean }) {
  const messageFindings = report.findings.filter((f) => f.signature === null)
  const ambiguous = authorAmbiguous(report.findings)
  return (
    <div className="dkim-report-layout">
      <section className="dkim-report" aria-labelledby="dkim-report-title">
        <div className="card">
          <h2 id="dkim-report-title" className="dkim-verdict-title">
            <span>Verdict for {name}:</span>{' '}
            {/* The word's tone repeats the word, as in the folder table; whether the pass vouches for
                the From is the sender badge's to say. Only a message with two authors (a forgery)
                loses the green: its heading must not look good at all. */}
            <ResultBadge result={report.verdict} muted={report.verdict === 'pass' && ambiguous} />{' '}
            <SenderBadge aligned={report.alignedPass} ambiguous={ambiguous} />
          </h2>
          <p>{RESULT_SENTENCE[report.verdict]}</p>
          <p className={report.alignedPass ? 'dkim-aligned-yes' : 'dkim-aligned-no'}>
            <strong>{report.alignedPass ? 'From is vouched for.' : 'From is not vouched for.'}</strong>{' '}
            {dmarcSentence(report)}
          </p>
          {report.signatures.length > 0 && (
            <p className="muted small dkim-alignment-basis">{ALIGNMENT_BASIS[report.alignmentBasis]}</p>
          )}
          <dl className="dkim-facts">
            <dt>From</dt>
            <dd>{report.from ?? 'none'}</dd>
            <dt>Judged as of</dt>
            <dd>
              {report.verifiedAt}, {AS_OF_SOURCE[report.verifiedAtSource]}
            </dd>
            <dt>Size</dt>
            <dd>
              {sizeWords(report.sizeBytes)} ({sizeWords(report.headerBytes)} of headers)
              {uploaded ? ', sent to Mailwarden as an upload' : ''}
            </dd>
            <dt>Line endings</dt>
            <dd>
              {report.lineEndings === 'crlf'
                ? 'CRLF, as sent over the wire'
                : report.lineEndings === 'none'
                  ? 'none (a single line)'
                  : `${report.lineEndings === 'lf' ? 'bare LF' : 'mixed'}: treated as CRLF, as the message had in transit`}
            </dd>
          </dl>
        </div>
        <ReceivedResults report={report} />
        {messageFindings.length > 0 && (
          <div className="card">
            <h3>Findings about the message</h3>
            <Findings findings={messageFindings} label="Findings about the message" />
          </div>
        )}
        {report.signatures.length === 0 ? (
          <p className="card">The message carries no DKIM-Signature header.</p>
        ) : (
          report.signatures.map((signature) => (
            <SignatureCard
              key={signature.index}
              signature={signature}
              total={report.signatures.length}
              findings={report.findings.filter((f) => f.signature === signature.index)}
              ambiguous={ambiguous}
            />
          ))
        )}
      </section>
      <MessageHeaders report={report} />
    </div>
  )
}
