import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { type MailClientId, MailClientId as MailClientIds } from '../../../shared/contract/index.js'
import { Field } from '../../components/Field.js'
import { selectDomains, selectEndpoints, selectReport, useProbeStore } from '../../stores/probe.js'
import { selectMailClient, useSettingsStore } from '../../stores/settings.js'
import { Disclosure } from './Disclosure.js'
import { DomainCard } from './DomainCard.js'
import { EndpointCard } from './EndpointCard.js'
import { ExportReport } from './ExportReport.js'
import { SaveAccountForm } from './SaveAccountForm.js'
import { Verdict } from './Verdict.js'
import { PICKABLE_CLIENTS, plural } from './words.js'

/** The results: overall verdict, the client picker, export and save, then a card per endpoint. */
export function ProbeResults() {
  const report = useProbeStore(selectReport)
  const endpoints = useProbeStore(useShallow(selectEndpoints))
  const domains = useProbeStore(useShallow(selectDomains))
  const settingsClient = useSettingsStore(selectMailClient)
  // null: follow the Settings' mail client.
  const [picked, setPicked] = useState<MailClientId | null>(null)
  const client = picked ?? settingsClient
  const results = endpoints.flatMap((e) => (e.result ? [e.result] : []))
  if (results.length === 0 && domains.length === 0 && !report) return null

  return (
    <section className="probe-results" aria-labelledby="probe-results-title">
      <div className="card">
        <h2 id="probe-results-title">
          Results
          {report && (
            <>
              {' '}
              for {report.target}: <Verdict verdict={report.verdict} />
            </>
          )}
        </h2>
        {report && (
          <p className="muted small">
            {plural(report.endpoints.length, 'server port')} in {(report.durationMs / 1000).toFixed(1)} s,
            using {report.resolver}; certificates checked against {report.trustedAgainst}.
          </p>
        )}
        <Field label="Show advice for" hint="Labels and menus as this mail client names them.">
          {({ id, describedBy }) => (
            <select
              id={id}
              aria-describedby={describedBy}
              value={client}
              onChange={(event) => setPicked(MailClientIds.parse(event.target.value))}
            >
              {PICKABLE_CLIENTS.map(({ id: value, name }) => (
                <option key={value} value={value}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {report && <ExportReport report={report} client={client} />}
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
      {results.map((endpoint) => (
        <EndpointCard key={endpoint.key} endpoint={endpoint} client={client} />
      ))}
      {domains.map((checks) => (
        <DomainCard key={checks.domain} checks={checks} />
      ))}
      {report && <SaveAccountForm report={report} client={client} />}
    </section>
  )
}
