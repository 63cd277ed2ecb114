// The MX, MTA-STS, TLS-RPT and DANE sections of `mailwarden domain check`'s text report. Each MX
// host's port 25 in the probe's words (shared/report/facts.ts: the same certificate and TLS
// versions lines as `mailwarden probe`'s table), one fact a line; the findings themselves are
// listed once, with every other finding, by domain-report.ts.

// The report as the contract spells it (what checkDomain returns is one of these).
import type {
  DaneReport,
  DomainCheckReport,
  MxCheck,
  MxHostCheck,
} from '../../../shared/contract/domain-check.js'
import { VERDICT_WORDS } from '../../../shared/contract/mail.js'
import type { ProbeSecurity } from '../../../shared/contract/probe.js'
import { certificateLine, hostPort, versionsLine } from '../../../shared/report/facts.js'
import { MAX_DANE_ADDRESSES } from '../../domain/check/dane.js'

const SECURITY: Record<ProbeSecurity, string> = {
  starttls: 'STARTTLS',
  'implicit-tls': 'implicit TLS (not what senders use on port 25)',
  plaintext: 'NO TLS (plaintext only)',
  unreachable: 'unreachable',
}

const MX_KIND: Record<MxCheck['kind'], string> = {
  mx: 'MX records',
  implicit: 'no MX record: senders use the domain’s own address (implicit MX)',
  null: 'null MX "0 .": the domain accepts no mail',
  absent: 'no MX record and no address: no mail server',
  'dns-failed': 'the MX lookup failed',
}

/** The lines of one MX host: its port 25 (STARTTLS, certificate, versions), alias and MTA-STS cover. */
function hostLines(host: MxHostCheck, policy: boolean): string[] {
  const e = host.endpoint
  const label = host.implicit ? `${host.name} (implicit MX)` : `MX ${host.preference} ${host.name}`
  if (!e) return [`  ${label}: not probed (${host.notProbed ?? 'unknown reason'})`]
  const lines = [`  ${label}, ${hostPort(e)}: ${VERDICT_WORDS[e.verdict]}`]
  lines.push(`    STARTTLS: ${e.security === 'starttls' ? 'yes' : SECURITY[e.security]} (${e.reason})`)
  lines.push(`    Certificate: ${certificateLine(e.tls?.certificate, true)}`)
  lines.push(`    TLS versions: ${versionsLine(e.tls)}`)
  if (host.cname) lines.push(`    Alias (CNAME) of ${host.cname}`)
  if (policy)
    lines.push(`    MTA-STS: ${host.mtaSts?.pattern ? `covered by "${host.mtaSts.pattern}"` : 'NOT covered'}`)
  return lines
}

function mxLines(mx: MxCheck): string[] {
  const lines = [`MX: ${MX_KIND[mx.kind]}`]
  const policy = mx.mtaSts?.facts.policy != null
  for (const host of mx.hosts) lines.push(...hostLines(host, policy))
  const trusted = mx.hosts.find((h) => h.endpoint?.tls)?.endpoint?.tls?.trustedAgainst
  if (trusted) lines.push(`  Certificates checked against ${trusted}.`)
  for (const note of mx.notes) lines.push(`  Note: ${note}`)
  return lines
}

function mtaStsLines(mx: MxCheck): string[] {
  if (!mx.mtaSts) return ['MTA-STS: not checked (no mail server to protect)']
  const { facts } = mx.mtaSts
  if (!facts.record) return [`MTA-STS: none (no valid record at _mta-sts.${mx.domain})`]
  const lines = [`MTA-STS: ${facts.record}`]
  const fetched = facts.fetched ? `HTTP ${facts.fetched.status}` : 'not fetched'
  lines.push(`  policy ${facts.policyUrl}: ${fetched}`)
  if (facts.policy)
    lines.push(
      `  mode ${facts.policy.mode}, max_age ${facts.policy.maxAge} s, mx ${facts.policy.mx.join(', ') || 'none'}`,
    )
  return lines
}

function tlsRptLines(mx: MxCheck): string[] {
  if (!mx.tlsRpt) return ['TLS-RPT: not checked (no mail server)']
  const { facts } = mx.tlsRpt
  return [`TLS-RPT: ${facts.record ?? `none at _smtp._tls.${mx.domain}`}`]
}

function daneLines(dane: DaneReport): string[] {
  const mxValidated =
    dane.mxValidated === undefined ? '' : `; MX records ${dane.mxValidated ? 'validated' : 'NOT validated'}`
  const lines = [`DANE (asked ${dane.resolver}${mxValidated}):`]
  for (const h of dane.hosts) {
    const outcome = h.findings.map((f) => f.id).join(', ') || 'no finding'
    const at = h.tlsaBase === h.host ? '' : ` at _25._tcp.${h.tlsaBase}`
    const alias = h.cname ? ` (alias of ${h.cname})` : ''
    const tlsa = h.tlsa.length > 0 ? `${h.tlsa.length} TLSA record(s)${at}` : 'no TLSA'
    lines.push(`  ${h.host}${alias}: ${tlsa}, ${h.validated ? 'validated' : 'NOT validated'}: ${outcome}`)
    // Each address when several were checked: senders try them all (RFC 7672 2.2).
    if (h.addresses.length > 1) for (const a of h.addresses) lines.push(`    ${a.address}: ${a.outcome}`)
    if (h.addressesNotChecked.length > 0)
      lines.push(
        `    not checked (at most ${MAX_DANE_ADDRESSES} addresses per host): ${h.addressesNotChecked.join(', ')}`,
      )
  }
  return lines
}

/** The mail-receiving sections: MX hosts, MTA-STS, TLS-RPT, DANE (or why each was not checked). */
export function mailLines(report: DomainCheckReport): string[] {
  if (!report.mx) return []
  const lines = [...mxLines(report.mx), ...mtaStsLines(report.mx), ...tlsRptLines(report.mx)]
  if (report.dane) lines.push(...daneLines(report.dane))
  else lines.push(`DANE: not checked${report.daneResolver ? '' : ' (no resolver address)'}`)
  return lines
}
