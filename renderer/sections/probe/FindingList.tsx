import type { ProbeFinding } from '../../../shared/contract/index.js'
import { Severity } from './Verdict.js'

/** Findings of an endpoint or a domain: severity and title, what it means, what to do. */
export function FindingList({ findings, label }: { findings: readonly ProbeFinding[]; label: string }) {
  return (
    <ul className="findings" aria-label={label}>
      {findings.map((finding) => (
        <li key={finding.id} className={`finding finding-${finding.severity}`}>
          <p className="finding-title">
            <Severity severity={finding.severity} /> {finding.title}
          </p>
          <p>
            <span className="finding-label">What it means: </span>
            {finding.detail}
          </p>
          <p>
            <span className="finding-label">What to do: </span>
            {finding.fix}
          </p>
        </li>
      ))}
    </ul>
  )
}
