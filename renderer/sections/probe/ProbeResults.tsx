import { useShallow } from 'zustand/react/shallow'
import type { EndpointReport } from '../../../shared/contract/index.js'
import { MailClientSelect } from '../../components/MailClientSelect.js'
import { plural } from '../../components/plural.js'
import {
  selectDomains,
  selectEndpoints,
  selectReport,
  selectSteps,
  useProbeStore,
} from '../../stores/probe.js'
import { useAdviceClient, useProbeFormStore } from '../../stores/probe-form.js'
import { selectMailClient, useSettingsStore } from '../../stores/settings.js'
import { Disclosure } from './Disclosure.js'
import { DomainCard } from './DomainCard.js'
import { EndpointCard } from './EndpointCard.js'
import { ExportReport } from './ExportReport.js'
import { PlainHttpWarning } from './PlainHttpWarning.js'
import { SaveAccountForm } from './SaveAccountForm.js'
import { UseTheseSettings } from './UseTheseSettings.js'
import { Verdict } from './Verdict.js'

const PROTOCOL_ORDER = { imap: 0, pop3: 1, smtp: 2 } as const

/** Incoming servers first, then outgoing; within each, the report's order (most trusted source first). */
function byProtocol(results: readonly EndpointReport[]): EndpointReport[] {
  return results
    .map((e, index) => ({ e, index }))
    .sort((a, b) => PROTOCOL_ORDER[a.e.protocol] - PROTOCOL_ORDER[b.e.protocol] || a.index - b.index)
    .map(({ e }) => e)
}

/**
 * The results, what the user came for first: the settings to use in their client, with verdicts;
 * then one short card per server port with its details folded; then the domain checks and saving.
 */
export function ProbeResults() {
  const report = useProbeStore(selectReport)
  const endpoints = useProbeStore(useShallow(selectEndpoints))
  const steps = useProbeStore(useShallow(selectSteps))
  const domains = useProbeStore(useShallow(selectDomains))
  const client = useAdviceClient(useSettingsStore(selectMailClient))
  const setClient = useProbeFormStore((s) => s.setAdviceClient)
  const results = endpoints.flatMap((e) => (e.result ? [e.result] : []))
  if (results.length === 0 && domains.length === 0 && !report) return null

  return (
    <section className="probe-results" aria-labelledby="probe-results-title">
      <div className="card probe-top">
        <h2 id="probe-results-title">
          <span>
            Results
            {report && (
              <>
                {' '}
                for <span className="probe-target">{report.target}</span>
              </>
            )}
          </span>
          {report && <Verdict verdict={report.verdict} />}
        </h2>
        {report && (
          <p className="muted small">
            {plural(report.endpoints.length, 'server port')} in {(report.durationMs / 1000).toFixed(1)} s,
            using {report.resolver}; certificates checked against {report.trustedAgainst}.
          </p>
        )}
        <PlainHttpWarning endpoints={endpoints} steps={steps} />
        {results.length > 0 && <UseTheseSettings endpoints={results} client={client} />}
        <div className="probe-controls">
          <MailClientSelect
            label="Show advice for"
            hint="Labels and menus as this mail client names them."
            value={client}
            onChange={setClient}
          />
          {report && <ExportReport report={report} client={client} />}
        </div>
        {report && report.notes.length > 0 && (
          <ul className="probe-notes small">
            {report.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        )}
        {report && report.discovery.notes.length > 0 && (
          <Disclosure
            className="probe-details"
            summary={<>What discovery learned ({plural(report.discovery.notes.length, 'note')})</>}
          >
            <ul className="small">
              {report.discovery.notes.map((note) => (
                <li key={`${note.source}-${note.subject}-${note.message}`}>
                  {note.subject}: {note.message}
                </li>
              ))}
            </ul>
          </Disclosure>
        )}
      </div>
      {results.length > 0 && (
        <section className="card endpoint-list" aria-labelledby="endpoint-list-title">
          <h2 id="endpoint-list-title">Every server port ({results.length})</h2>
          {byProtocol(results).map((endpoint) => (
            <EndpointCard key={endpoint.key} endpoint={endpoint} client={client} />
          ))}
        </section>
      )}
      {domains.map((checks) => (
        <DomainCard key={checks.domain} checks={checks} />
      ))}
      {report && <SaveAccountForm report={report} client={client} />}
    </section>
  )
}
