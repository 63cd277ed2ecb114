import { useShallow } from 'zustand/react/shallow'
import { PROTOCOL_WORDS } from '../../../shared/contract/mail.js'
import type { DiscoveryStep } from '../../../shared/contract/probe-target.js'
import { plural } from '../../components/plural.js'
import {
  type EndpointProgress,
  type RunStatus,
  selectAsked,
  selectEndpoints,
  selectProbeError,
  selectProbeStatus,
  selectSteps,
  useProbeStore,
} from '../../stores/probe.js'
import { Disclosure } from './Disclosure.js'
import { Verdict } from './Verdict.js'
import { SECURITY_NAMES } from './words.js'

const STAGE_WORDS = { discovered: 'Found', connecting: 'Connecting…' } as const

/** One sentence for the live region: short, so a screen reader is not flooded as results arrive. */
function summary(
  status: RunStatus,
  asked: string,
  endpoints: EndpointProgress[],
  error: string | null,
): string {
  const done = endpoints.filter((e) => e.stage === 'done').length
  switch (status) {
    case 'idle':
      return ''
    case 'starting':
      return `Looking for the mail servers of ${asked}…`
    case 'running':
      return endpoints.length === 0
        ? `Looking for the mail servers of ${asked}…`
        : `Checked ${done} of ${plural(endpoints.length, 'server port')}.`
    case 'done':
      return `Probe finished: ${plural(done, 'server port')} checked.`
    case 'cancelled':
      return `Probe cancelled after ${plural(done, 'server port')}.`
    case 'failed':
      return `The probe failed: ${error ?? 'no reason was given'}`
  }
}

function stepText(step: DiscoveryStep): string {
  return `${step.kind.toUpperCase()} ${step.subject}: ${step.detail || step.status}`
}

const SOURCE_CAVEATS: Partial<Record<EndpointProgress['source'], string>> = {
  'autoconfig-http': ' (fetched over plain HTTP: see the warning with the results)',
  guess: ' (a guess, not a published setting)',
}

function EndpointList({ endpoints }: { endpoints: readonly EndpointProgress[] }) {
  return (
    <ul className="probe-endpoints" aria-label="Server ports">
      {endpoints.map((endpoint) => (
        <li key={endpoint.key} className={`probe-endpoint probe-stage-${endpoint.stage}`}>
          <span className="probe-endpoint-name">
            {PROTOCOL_WORDS[endpoint.protocol]} {endpoint.host}:{endpoint.port}
          </span>
          <span className="probe-endpoint-state">
            {endpoint.result ? (
              <>
                <Verdict verdict={endpoint.result.verdict} /> {SECURITY_NAMES[endpoint.result.security]}
              </>
            ) : (
              STAGE_WORDS[endpoint.stage as 'discovered' | 'connecting']
            )}
          </span>
          <span className="probe-endpoint-source muted small">
            from {endpoint.sourceDetail}
            {SOURCE_CAVEATS[endpoint.source] ?? ''}
          </span>
        </li>
      ))}
    </ul>
  )
}

/** Live progress: discovery, then each endpoint found → connecting → its verdict. */
export function ProbeProgress() {
  const status = useProbeStore(selectProbeStatus)
  const asked = useProbeStore(selectAsked)
  const error = useProbeStore(selectProbeError)
  const endpoints = useProbeStore(useShallow(selectEndpoints))
  const steps = useProbeStore(useShallow(selectSteps))
  const line = summary(status, asked, endpoints, error)

  return (
    <section
      className="card probe-progress"
      aria-labelledby="probe-progress-title"
      hidden={status === 'idle'}
    >
      <h2 id="probe-progress-title">Progress</h2>
      {/* Always mounted so each change of the sentence is announced. */}
      <p role="status" className="probe-summary">
        {status !== 'failed' && line}
      </p>
      <p role="alert" className="status-error">
        {status === 'failed' && line}
      </p>
      {endpoints.length > 0 &&
        (status === 'done' ? (
          // Once finished, the results below say it all: the list folds away rather than repeat them.
          <Disclosure className="probe-steps" summary={<>Server ports checked ({endpoints.length})</>}>
            <EndpointList endpoints={endpoints} />
          </Disclosure>
        ) : (
          <EndpointList endpoints={endpoints} />
        ))}
      {steps.length > 0 && (
        <Disclosure
          className="probe-steps"
          summary={<>How the servers were found ({plural(steps.length, 'step')})</>}
        >
          <ul>
            {steps.map((step, index) => (
              // Steps only accumulate during a run, so the position is a stable key.
              // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
              <li key={index} className="small">
                {stepText(step)}
              </li>
            ))}
          </ul>
        </Disclosure>
      )}
    </section>
  )
}
