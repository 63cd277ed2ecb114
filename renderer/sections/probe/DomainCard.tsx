import type {
  DomainCheckStatus,
  DomainChecks,
  Verdict as VerdictWord,
} from '../../../shared/contract/index.js'
import { FindingList } from './FindingList.js'
import { Verdict } from './Verdict.js'

const STATUS_WORDS: Record<Exclude<DomainCheckStatus, VerdictWord>, string> = {
  absent: 'Not published',
  error: 'Could not be checked',
}

function Status({ status }: { status: DomainCheckStatus }) {
  if (status === 'good' || status === 'warn' || status === 'bad') return <Verdict verdict={status} />
  return <span className="verdict verdict-none">{STATUS_WORDS[status]}</span>
}

/** MTA-STS and TLS-RPT of a mail domain: how other servers deliver to it. */
export function DomainCard({ checks }: { checks: DomainChecks }) {
  const titleId = `domain-${checks.domain.replace(/[^a-zA-Z0-9-]/g, '-')}`
  return (
    <article className="card" aria-labelledby={titleId}>
      <h3 id={titleId}>Incoming mail for {checks.domain}</h3>
      <dl className="facts">
        <dt>MTA-STS</dt>
        <dd>
          <Status status={checks.mtaSts.status} /> {checks.mtaSts.detail}
          {checks.mtaSts.mode && <> Mode: {checks.mtaSts.mode}.</>}
          {checks.mtaSts.mx.length > 0 && <> MX: {checks.mtaSts.mx.join(', ')}.</>}
        </dd>
        <dt>TLS reporting</dt>
        <dd>
          <Status status={checks.tlsRpt.status} /> {checks.tlsRpt.detail}
          {checks.tlsRpt.reportTo.length > 0 && <> Reports go to {checks.tlsRpt.reportTo.join(', ')}.</>}
        </dd>
      </dl>
      {checks.findings.length > 0 && (
        <FindingList findings={checks.findings} label={`Findings for ${checks.domain}`} />
      )}
    </article>
  )
}
