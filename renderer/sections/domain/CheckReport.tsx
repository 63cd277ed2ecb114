import {
  type DomainCheckReport,
  type Finding,
  type MxCheck,
  type MxHostCheck,
  SEVERITY_RANK,
  SEVERITY_WORDS,
  VERDICT_WORDS,
} from '../../../shared/contract/index.js'
import { OwnDomainToggle } from './OwnDomainToggle.js'

const VERDICT_BANNER = { good: 'banner-good', warn: 'banner-warning', bad: 'banner-error' } as const

function FindingList({ findings, label }: { findings: readonly Finding[]; label: string }) {
  if (findings.length === 0) return null
  const sorted = [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])
  return (
    <ul className="dkim-findings" aria-label={label}>
      {sorted.map((finding, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: one id may be raised for several selectors or hosts.
        <li key={`${finding.id}-${index}`} className={`dkim-finding dkim-severity-${finding.severity}`}>
          <p className="dkim-finding-title">
            <span className="dkim-severity">{SEVERITY_WORDS[finding.severity]}:</span> {finding.title}
          </p>
          <p>{finding.detail}</p>
          <p>
            <strong>What to do:</strong> {finding.fix}
          </p>
        </li>
      ))}
    </ul>
  )
}

function Facts({ rows }: { rows: [string, string | null | undefined][] }) {
  return (
    <dl className="keygen-fields">
      {rows
        .filter(([, value]) => value !== undefined)
        .map(([label, value]) => (
          <div key={label} className="fact-row">
            <dt>{label}</dt>
            <dd className="wrap-anywhere">{value ?? 'none'}</dd>
          </div>
        ))}
    </dl>
  )
}

function mxHostLine(host: MxHostCheck): string {
  if (!host.endpoint) return host.notProbed ?? 'not probed'
  return `${VERDICT_WORDS[host.endpoint.verdict]}: ${host.endpoint.reason}`
}

type DaneHost = NonNullable<DomainCheckReport['dane']>['hosts'][number]

const DANE_OUTCOME: Record<string, string> = {
  'dane-match': 'matches',
  'dane-mismatch': 'does not match',
  'dane-ta-name': 'chain matches, name does not',
  'dane-starttls-failed': 'no TLS session',
}

/** One host's DANE in a line: where TLSA was asked, what authenticated it, and each address. */
function daneLine(host: DaneHost): string {
  const where = `_25._tcp.${host.tlsaBase}${host.cname ? ` (${host.host} is a CNAME for ${host.cname})` : ''}`
  if (host.tlsa.length === 0) return `no TLSA at ${where}`
  const authed = host.addresses.filter((a) => a.auth !== null).length
  const auth =
    host.auth === 'dane-ee'
      ? 'DANE-EE'
      : host.auth === 'dane-ta'
        ? 'DANE-TA'
        : authed > 0
          ? `${authed} of ${host.addresses.length} addresses authenticated`
          : 'not authenticated'
  const addresses = host.addresses.map((a) => `${a.address} ${DANE_OUTCOME[a.outcome] ?? a.outcome}`)
  const skipped = host.addressesNotChecked.length
  return [
    `${host.tlsa.length} TLSA ${host.tlsa.length === 1 ? 'record' : 'records'} at ${where}, ${host.validated ? 'validated' : 'not validated'}: ${auth}`,
    addresses.join(', '),
    skipped > 0 ? `${skipped} more ${skipped === 1 ? 'address' : 'addresses'} not checked` : '',
  ]
    .filter(Boolean)
    .join('; ')
}

function DaneOf({ host }: { host: DaneHost | null }) {
  if (!host) return null
  return (
    <>
      <br />
      DANE: {daneLine(host)}
    </>
  )
}

function MxSection({ mx, dane }: { mx: MxCheck; dane: DomainCheckReport['dane'] }) {
  return (
    <div className="subsection">
      <h3>Mail servers (MX), MTA-STS and DANE</h3>
      {mx.hosts.length === 0 && (
        <p>{mx.kind === 'null' ? 'This domain accepts no mail (null MX).' : 'No mail server found.'}</p>
      )}
      <ul className="plain-list">
        {mx.hosts.map((host) => (
          <li key={host.name}>
            <strong className="wrap-anywhere">
              {host.name}
              {host.implicit ? ' (no MX: the domain itself)' : ` (preference ${host.preference})`}
            </strong>
            <br />
            Port 25: {mxHostLine(host)}
            <DaneOf host={dane?.hosts.find((d) => d.host === host.name) ?? null} />
            {host.mtaSts && (
              <>
                <br />
                MTA-STS:{' '}
                {host.mtaSts.pattern ? `covered by “${host.mtaSts.pattern}”` : 'not named in the policy'}
              </>
            )}
          </li>
        ))}
      </ul>
      <Facts
        rows={[
          ['MTA-STS record', mx.mtaSts?.facts.record ?? null],
          ['MTA-STS mode', mx.mtaSts?.facts.policy?.mode ?? null],
          ['TLS-RPT record', mx.tlsRpt?.facts.record ?? null],
          [
            'DANE',
            dane === null
              ? 'not checked'
              : `${dane.hosts.filter((h) => h.tlsa.length > 0).length} of ${dane.hosts.length} hosts publish TLSA; resolver ${dane.resolver}`,
          ],
        ]}
      />
      {mx.notes.map((note) => (
        <p key={note} className="muted small">
          {note}
        </p>
      ))}
    </div>
  )
}

export function CheckReport({ report }: { report: DomainCheckReport }) {
  const problems = report.findings.filter((f) => f.severity !== 'info').length
  const found = report.dkim.selectors.filter((s) => s.status !== 'absent')
  return (
    <div className="domain-report">
      <div className={`banner ${VERDICT_BANNER[report.verdict]}`}>
        <p className="banner-title">
          {report.domain}: {VERDICT_WORDS[report.verdict]}
          {problems > 0 ? ` — ${problems} ${problems === 1 ? 'problem' : 'problems'}` : ', nothing to fix'}
        </p>
        <p className="small">Asked {report.resolver}.</p>
      </div>
      <OwnDomainToggle domain={report.domain} />
      {report.firstSteps.length > 0 && (
        <div className="subsection">
          <h3>What to change first</h3>
          <ol>
            {report.firstSteps.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
        </div>
      )}
      <div className="subsection">
        <h3>DKIM keys</h3>
        <p>
          {found.length === 0
            ? `No key found at the ${report.dkim.selectorsTried} selectors tried. A selector not tried may still exist: name yours above.`
            : found
                .map(
                  (s) =>
                    `${s.name}: ${s.key ? `${s.key.keyType.toUpperCase()} ${s.key.bits} bits${s.key.testing ? ', t=y (testing)' : ''}` : s.status}`,
                )
                .join('; ')}
        </p>
      </div>
      <div className="subsection">
        <h3>SPF and DMARC</h3>
        <Facts
          rows={[
            ['SPF record', report.spf.record],
            ['SPF DNS lookups', `${report.spf.lookups.length} of 10`],
            ['Mail from other servers', report.spf.unlistedResult],
            ['DMARC record', report.dmarc.record],
            ['DMARC found at', report.dmarc.recordName],
            ['DomainKeys policy', report.domainKeysPolicy.record ?? undefined],
          ]}
        />
      </div>
      {report.mx && <MxSection mx={report.mx} dane={report.dane} />}
      {report.notes.map((note) => (
        <p key={note} className="muted small">
          {note}
        </p>
      ))}
      <div className="subsection">
        <h3>All findings</h3>
        <FindingList findings={report.findings} label={`Findings for ${report.domain}`} />
      </div>
    </div>
  )
}
