import {
  type EndpointReport,
  type MailClientId,
  TLS_VERSIONS,
  type TlsFacts,
} from '../../../shared/contract/index.js'
import { PROTOCOL_WORDS } from '../../../shared/contract/mail.js'
import type { ClientAdvice } from '../../../shared/knowledge/explain.js'
import { plural } from '../../components/plural.js'
import { CertificateDetails } from './CertificateDetails.js'
import { ClientAdviceView } from './ClientAdviceView.js'
import { CopySettings } from './CopySettings.js'
import { Disclosure } from './Disclosure.js'
import { FindingList } from './FindingList.js'
import { TunnelFromProbe } from './TunnelFromProbe.js'
import { EndpointVerdict, portClosed, Severity } from './Verdict.js'
import { advise, SECURITY_NAMES, verdictLine } from './words.js'

const VERSION_NAMES: Record<string, string> = {
  TLSv1: 'TLS 1.0',
  'TLSv1.1': 'TLS 1.1',
  'TLSv1.2': 'TLS 1.2',
  'TLSv1.3': 'TLS 1.3',
}

function SecurityLine({ endpoint, advice }: { endpoint: EndpointReport; advice: ClientAdvice }) {
  return (
    <p className="probe-security">
      <strong>{SECURITY_NAMES[endpoint.security]}</strong>
      {advice.choose && (
        <>
          {' '}
          — in {advice.clientName}: “{advice.choose}”
        </>
      )}
      <span className="muted"> · {verdictLine(endpoint)}</span>
    </p>
  )
}

function Findings({ endpoint }: { endpoint: EndpointReport }) {
  if (endpoint.findings.length === 0) return <p className="muted">No findings: nothing to change here.</p>
  return <FindingList findings={endpoint.findings} label={`Findings for ${endpoint.host}:${endpoint.port}`} />
}

function TlsVersions({ tls }: { tls: TlsFacts }) {
  const untested = new Map(tls.versionsUntested.map((u) => [u.version, u.reason]))
  return (
    <ul className="tls-versions" aria-label="TLS versions">
      {TLS_VERSIONS.map((version) => {
        const accepted = tls.versionsAccepted.includes(version)
        const reason = untested.get(version)
        const word = accepted ? 'accepted' : tls.versionsRefused.includes(version) ? 'refused' : 'not tested'
        return (
          <li key={version} className={`tls-version tls-${word.replace(' ', '-')}`}>
            {VERSION_NAMES[version]}: {word}
            {reason && <span className="muted small"> ({reason})</span>}
          </li>
        )
      })}
    </ul>
  )
}

function CapabilityList({ label, items }: { label: string; items: string[] | null }) {
  return (
    <div>
      <h5 className="facts-heading">{label}</h5>
      {items === null ? (
        <p className="muted small">not read</p>
      ) : (
        <ul className="capabilities" aria-label={label}>
          {items.map((item) => (
            <li key={item}>
              <code>{item}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

function Capabilities({ endpoint }: { endpoint: EndpointReport }) {
  const { capabilities } = endpoint
  return (
    <Disclosure className="probe-details" summary={<>Greeting and capabilities before and after TLS</>}>
      <h5 className="facts-heading">Greeting</h5>
      {endpoint.greeting.length === 0 ? (
        <p className="muted small">none received</p>
      ) : (
        <pre className="advice-config">
          <code>{endpoint.greeting.join('\n')}</code>
        </pre>
      )}
      {endpoint.preauth && (
        <p className="small">
          <Severity severity="bad" /> The server greeted with PREAUTH: it logged in without asking who you
          are.
        </p>
      )}
      <div className="capability-columns">
        <CapabilityList label="Before TLS" items={capabilities.beforeTls} />
        <CapabilityList label="After TLS" items={capabilities.afterTls} />
      </div>
      {(capabilities.added.length > 0 || capabilities.removed.length > 0) && (
        <p className="small">
          {capabilities.added.length > 0 && <>TLS added: {capabilities.added.join(', ')}. </>}
          {capabilities.removed.length > 0 && <>TLS removed: {capabilities.removed.join(', ')}.</>}
        </p>
      )}
      <p className="small">
        Login methods offered before encryption:{' '}
        {endpoint.authBeforeTls.length === 0 ? 'none' : endpoint.authBeforeTls.join(', ')}.
      </p>
    </Disclosure>
  )
}

interface Props {
  endpoint: EndpointReport
  client: MailClientId
}

/** What the details of an endpoint hold, for the folded line: "2 findings, TLS 1.3, certificate". */
function detailsSummary(endpoint: EndpointReport): string {
  const parts = [endpoint.findings.length > 0 ? plural(endpoint.findings.length, 'finding') : 'no findings']
  if (endpoint.tls?.version) parts.push(VERSION_NAMES[endpoint.tls.version] ?? endpoint.tls.version)
  if (endpoint.tls?.certificate) parts.push('certificate')
  parts.push('capabilities')
  return parts.join(', ')
}

/**
 * One endpoint, short: its verdict and the security in the client's words with the one line that
 * matters; everything else (findings, advice and its copy button, the tunnel action, TLS, the
 * certificate) folded below.
 */
export function EndpointCard({ endpoint, client }: Props) {
  const titleId = `endpoint-${endpoint.key.replace(/[^a-zA-Z0-9-]/g, '-')}`
  const { tls } = endpoint
  const advice = advise(endpoint, client)
  return (
    <article
      className={`endpoint-card endpoint-${portClosed(endpoint) ? 'closed' : endpoint.verdict}`}
      aria-labelledby={titleId}
    >
      <h3 id={titleId} className="endpoint-title">
        <EndpointVerdict endpoint={endpoint} />{' '}
        <span className="endpoint-name">
          {PROTOCOL_WORDS[endpoint.protocol]} {endpoint.host}:{endpoint.port}
        </span>
      </h3>
      <SecurityLine endpoint={endpoint} advice={advice} />
      <Disclosure
        className="probe-details endpoint-details"
        summary={
          <>
            Details
            <span className="visually-hidden">
              {' '}
              for {endpoint.host}:{endpoint.port}
            </span>
            : <span className="muted">{detailsSummary(endpoint)}</span>
          </>
        }
      >
        <p className="small">
          {SECURITY_NAMES[endpoint.security]}: {endpoint.reason}
        </p>
        <p className="muted small">
          Found through {endpoint.sourceDetail}
          {!endpoint.sourceTrusted &&
            (endpoint.source === 'autoconfig-http'
              ? ' — fetched over plain HTTP, so anyone on the path could have written it: check this server name with your provider'
              : ' — a guess: check this server name with your provider')}
          {endpoint.address && `; connected to ${endpoint.address}`}.
        </p>
        <h4>Findings</h4>
        <Findings endpoint={endpoint} />
        <h4>What to set in {advice.clientName}</h4>
        <ClientAdviceView advice={advice} />
        <CopySettings endpoint={endpoint} advice={advice} />
        <TunnelFromProbe endpoint={endpoint} />
        {tls && (
          <>
            <h4>TLS</h4>
            <p className="small">
              {tls.version ? `Negotiated ${VERSION_NAMES[tls.version]}` : 'No modern handshake'}
              {tls.cipherStandardName
                ? ` with ${tls.cipherStandardName}`
                : tls.cipher
                  ? ` with ${tls.cipher}`
                  : ''}
              .{tls.error && ` ${tls.error}`}
            </p>
            <TlsVersions tls={tls} />
            <CertificateDetails tls={tls} />
          </>
        )}
        <Capabilities endpoint={endpoint} />
        {endpoint.notes.length > 0 && (
          <ul className="probe-notes small">
            {endpoint.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        )}
      </Disclosure>
    </article>
  )
}
