// The report as a list of neutral blocks (headings, key-value facts, findings, advice), built once
// and laid out by each format: Markdown, HTML and plain text say the same things in the same order.
import { type Severity, VERDICT_WORDS } from '../contract/mail.js'
import type { DomainChecks, EndpointReport, ProbeReport } from '../contract/probe.js'
import type { MailClientId } from '../contract/schemas.js'
import { CLIENTS } from '../knowledge/clients.js'
import { adviceFor, SECURITY_WORDS_EXPLAINED } from '../knowledge/explain.js'
import {
  certificateLine,
  hostPort,
  protocolName,
  securityInClientWords,
  sortedFindings,
  versionsLine,
} from './facts.js'

export interface Fact {
  label: string
  value: string
  /** Monospace (fingerprints, config lines). */
  code?: boolean
}

export interface FindingBlock {
  severity: Severity
  id: string
  title: string
  detail: string
  fix: string
}

export interface EndpointSection {
  heading: string
  verdict: EndpointReport['verdict']
  facts: Fact[]
  findings: FindingBlock[]
  advice: { heading: string; sentences: string[]; config: string[] }
  notes: string[]
}

/** Once per report: the chosen client's traps, notes and where its wording was checked. */
export interface ClientSection {
  heading: string
  avoid: string[]
  notes: string[]
  wording: string
}

export interface DomainSection {
  heading: string
  facts: Fact[]
  findings: FindingBlock[]
}

export interface ReportDocument {
  title: string
  summary: Fact[]
  table: { headers: string[]; rows: string[][] }
  endpoints: EndpointSection[]
  domains: DomainSection[]
  client: ClientSection
  notes: string[]
  words: { title: string; paragraphs: readonly string[] }
}

export interface RenderOptions {
  /** Whose words the advice uses; default: the report's client. */
  client?: MailClientId
}

function endpointFacts(e: EndpointReport, client: MailClientId): Fact[] {
  const facts: Fact[] = [
    { label: 'Security', value: `${securityInClientWords(e, client)}: ${e.reason}` },
    {
      label: 'Found by',
      value: `${e.sourceDetail || e.source} (${e.sourceTrusted ? 'trustworthy source' : 'untrusted source: check it'})`,
    },
  ]
  if (e.address) facts.push({ label: 'Address', value: e.address })
  if (e.tls) {
    facts.push({
      label: 'TLS',
      value: `${e.tls.version ?? 'no modern handshake'}, cipher ${e.tls.cipher ?? '–'}`,
    })
    facts.push({ label: 'TLS versions accepted', value: versionsLine(e.tls) })
    for (const u of e.tls.versionsUntested) facts.push({ label: `${u.version} not tested`, value: u.reason })
    if (e.tls.error) facts.push({ label: 'Handshake error', value: e.tls.error })
    const cert = e.tls.certificate
    if (cert) {
      facts.push(
        { label: 'Certificate', value: certificateLine(cert, true) },
        { label: 'Subject', value: cert.subject },
        { label: 'Names (SAN)', value: cert.subjectAltNames.join(', ') || 'none' },
        { label: 'Issuer', value: cert.issuer },
        { label: 'Valid', value: `${cert.notBefore} to ${cert.notAfter}` },
        {
          label: 'Key',
          value: `${cert.keyType}${cert.keyBits ? ` ${cert.keyBits} bits` : ''}${cert.keyCurve ? ` (${cert.keyCurve})` : ''}, signed with ${cert.signatureAlgorithm}`,
        },
        { label: 'SHA-256 fingerprint', value: cert.fingerprintSha256, code: true },
        { label: 'Public key (SPKI) pin', value: cert.spkiSha256, code: true },
      )
    }
    facts.push({ label: 'Trusted against', value: e.tls.trustedAgainst })
  }
  facts.push({
    label: 'Login offered before TLS',
    value: e.authBeforeTls.length > 0 ? e.authBeforeTls.join(', ') : 'none',
  })
  if (e.preauth)
    facts.push({ label: 'PREAUTH', value: 'the server logs the session in before any encryption' })
  if (e.injection)
    facts.push({ label: 'Injected bytes', value: `${e.injection.bytes}: ${e.injection.excerpt}`, code: true })
  if (e.capabilities.added.length + e.capabilities.removed.length > 0)
    facts.push({
      label: 'Capabilities after TLS',
      value: [
        e.capabilities.added.length ? `added ${e.capabilities.added.join(' ')}` : '',
        e.capabilities.removed.length ? `removed ${e.capabilities.removed.join(' ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    })
  return facts
}

function endpointSection(e: EndpointReport, client: MailClientId): EndpointSection {
  const advice = adviceFor(client, e)
  return {
    heading: `${protocolName(e)} ${hostPort(e)}: ${VERDICT_WORDS[e.verdict]}`,
    verdict: e.verdict,
    facts: endpointFacts(e, client),
    findings: sortedFindings(e.findings),
    advice: {
      heading: `In ${advice.clientName}`,
      sentences: [advice.sentence, ...(advice.certificate ? [advice.certificate] : [])],
      config: advice.config,
    },
    notes: e.notes,
  }
}

function domainSection(d: DomainChecks): DomainSection {
  return {
    heading: `Mail domain ${d.domain}`,
    facts: [
      { label: `MTA-STS (${d.mtaSts.status})`, value: d.mtaSts.detail },
      ...(d.mtaSts.record ? [{ label: 'MTA-STS record', value: d.mtaSts.record, code: true }] : []),
      ...(d.mtaSts.mode ? [{ label: 'MTA-STS mode', value: d.mtaSts.mode }] : []),
      { label: `TLS-RPT (${d.tlsRpt.status})`, value: d.tlsRpt.detail },
      ...(d.tlsRpt.record ? [{ label: 'TLS-RPT record', value: d.tlsRpt.record, code: true }] : []),
    ],
    findings: sortedFindings(d.findings),
  }
}

function clientSection(client: MailClientId): ClientSection {
  const profile = CLIENTS[client]
  return {
    heading: `Settings to avoid in ${profile.name}`,
    avoid: profile.traps.map((t) => `"${t.label}": ${t.risk}`),
    notes: [`A certificate ${profile.name} cannot verify: ${profile.untrustedCertificate}`, ...profile.notes],
    wording:
      profile.wording.status === 'checked'
        ? `Wording checked: ${profile.wording.source}`
        : `Wording not verified against the client: ${profile.wording.source}`,
  }
}

export function buildDocument(report: ProbeReport, options: RenderOptions = {}): ReportDocument {
  const client = options.client ?? report.client
  return {
    title: `Mail server security report: ${report.target}`,
    summary: [
      { label: 'Target', value: report.target },
      { label: 'Verdict', value: VERDICT_WORDS[report.verdict] },
      { label: 'Probed at', value: report.startedAt },
      { label: 'Took', value: `${Math.round(report.durationMs)} ms` },
      { label: 'DNS', value: report.resolver },
      { label: 'Certificates checked against', value: report.trustedAgainst },
    ],
    table: {
      headers: ['Endpoint', 'Protocol', 'Security', 'Certificate', 'TLS versions', 'Verdict'],
      rows: report.endpoints.map((e) => [
        hostPort(e),
        protocolName(e),
        securityInClientWords(e, client),
        certificateLine(e.tls?.certificate),
        versionsLine(e.tls),
        VERDICT_WORDS[e.verdict],
      ]),
    },
    endpoints: report.endpoints.map((e) => endpointSection(e, client)),
    domains: report.domains.map(domainSection),
    client: clientSection(client),
    notes: report.notes,
    words: SECURITY_WORDS_EXPLAINED,
  }
}
