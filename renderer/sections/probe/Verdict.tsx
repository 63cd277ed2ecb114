import {
  type EndpointReport,
  SEVERITY_WORDS,
  type Severity as SeverityWord,
  VERDICT_WORDS,
  type Verdict as VerdictWord,
} from '../../../shared/contract/index.js'

type Tone = VerdictWord | 'info'

/** A shape per tone, so the meaning never rests on colour alone (the word is there too). */
function Icon({ tone }: { tone: Tone }) {
  return (
    <svg
      className="verdict-icon"
      viewBox="0 0 16 16"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
    >
      {tone === 'good' && <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2" />}
      {tone === 'warn' && (
        <>
          <path
            d="M8 1.5l7 13H1z"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.6"
            strokeLinejoin="round"
          />
          <path d="M8 6v4.2M8 11.8v1.2" stroke="currentColor" strokeWidth="1.6" />
        </>
      )}
      {tone === 'bad' && (
        <>
          <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M5.3 5.3l5.4 5.4M10.7 5.3l-5.4 5.4" stroke="currentColor" strokeWidth="1.6" />
        </>
      )}
      {tone === 'info' && (
        <>
          <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M8 7v4.5M8 4.4v1.2" stroke="currentColor" strokeWidth="1.6" />
        </>
      )}
    </svg>
  )
}

/** An endpoint's or a report's verdict: icon and word, e.g. "✓ Good". */
export function Verdict({ verdict }: { verdict: VerdictWord }) {
  return (
    <span className={`verdict verdict-${verdict}`}>
      <Icon tone={verdict} />
      {VERDICT_WORDS[verdict]}
    </span>
  )
}

/** A finding's severity, in the same shapes as the verdicts. */
export function Severity({ severity }: { severity: SeverityWord }) {
  const tone: Tone = severity === 'info' ? 'info' : severity
  return (
    <span className={`verdict verdict-${tone}`}>
      <Icon tone={tone} />
      {SEVERITY_WORDS[severity]}
    </span>
  )
}

/** A standard port of a swept host that refused the connection (the engine's port-closed finding). */
export function portClosed(endpoint: EndpointReport): boolean {
  return endpoint.findings.some((f) => f.id === 'port-closed')
}

/** An endpoint's badge: its verdict, or a neutral "Closed" for a standard port that nothing listens
 * on in a sweep of a host (information, not a fault: a green "Good" would say it works). */
export function EndpointVerdict({ endpoint }: { endpoint: EndpointReport }) {
  if (!portClosed(endpoint)) return <Verdict verdict={endpoint.verdict} />
  return (
    <span className="verdict verdict-info">
      <Icon tone="info" />
      Closed
    </span>
  )
}
