import { type DkimFinding, SEVERITY_RANK, SEVERITY_WORDS } from '../../../shared/contract/index.js'
import { DKIM_FINDINGS } from '../../../shared/knowledge/dkim-findings.js'

function info(id: string) {
  return Object.hasOwn(DKIM_FINDINGS, id) ? DKIM_FINDINGS[id as keyof typeof DKIM_FINDINGS] : null
}

/** Findings, most severe first: what this message shows, what it means, what to do. */
export function Findings({ findings, label }: { findings: DkimFinding[]; label: string }) {
  if (findings.length === 0) return null
  const sorted = [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])
  return (
    <ul className="dkim-findings" aria-label={label}>
      {sorted.map((finding, index) => {
        const known = info(finding.id)
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the same finding may be raised twice; order is stable.
          <li key={`${finding.id}-${index}`} className={`dkim-finding dkim-severity-${finding.severity}`}>
            <p className="dkim-finding-title">
              <span className="dkim-severity">{SEVERITY_WORDS[finding.severity]}:</span> {finding.title}
            </p>
            <p>{finding.detail}</p>
            {known && <p className="muted">{known.explain}</p>}
            {known && (
              <p>
                <strong>What to do:</strong> {known.advice}
              </p>
            )}
          </li>
        )
      })}
    </ul>
  )
}
