// The pure parts of the MX check: reading an MX answer (sorted, the null MX of RFC 7505, an IP or
// garbage where a host name belongs), the implicit MX of RFC 5321 5.1, which hosts get probed, and
// what an alias (CNAME) or the MTA-STS policy says of one host. No I/O here; mx.ts asks DNS.
import { isIP } from 'node:net'
import type { Finding } from '../../../shared/contract/mail.js'
import { mxFinding } from '../../../shared/knowledge/mx-findings.js'
import type { MxRecord } from '../../dns/resolver.js'
import { MAX_MX_HOSTS } from '../../probe/discovery/limits.js'
import { normalizeHostName } from '../../probe/discovery/target.js'
import type { MtaStsCheck } from '../../probe/domain/mta-sts.js'
import { matchingPattern } from '../../probe/domain/mta-sts-policy.js'
import type { MxCheck, MxRecordFact, MxTargetKind } from './mx-types.js'

/**
 * MX hosts whose port 25 is probed: the discovery's cap (MAX_MX_HOSTS, 5), so `probe DOMAIN` and
 * `domain check DOMAIN` knock on the same hosts. Senders try hosts in preference order and rarely
 * get past the first few; a zone listing dozens must not turn one check into dozens of SMTP
 * sessions. The others are still listed, matched against MTA-STS and checked for aliases.
 */
export const MX_HOSTS_PROBED = MAX_MX_HOSTS

export interface PlannedHost {
  name: string
  preference: number
  implicit: boolean
  target: MxTargetKind
  findings: Finding[]
}

export type MxPlan =
  | { kind: 'null'; records: MxRecordFact[]; findings: Finding[] }
  | { kind: 'mx'; records: MxRecordFact[]; hosts: PlannedHost[]; findings: Finding[] }
  | { kind: 'none' }

function published(exchange: string): string {
  return exchange.trim().toLowerCase().replace(/\.$/, '')
}

/** What one MX target is: a host name to deliver to, an IP address, or no name at all. */
export function mxTarget(exchange: string): { target: MxTargetKind; name: string; findings: Finding[] } {
  const text = published(exchange)
  const unbracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  if (isIP(unbracketed) !== 0)
    return { target: 'ip-literal', name: text, findings: [mxFinding('mx-ip-literal', { mx: text })] }
  const name = normalizeHostName(text)
  if (name === null)
    return { target: 'invalid', name: text, findings: [mxFinding('mx-name-invalid', { mx: text })] }
  return { target: 'host', name, findings: [] }
}

/**
 * Reads an MX answer: sorted by preference then name (RFC 5321 5.1: senders try the lowest first;
 * equal ones in any order, so by name for a report that reads the same every time), each host once
 * at its best preference. An empty answer is `none` (then the implicit MX applies).
 */
export function readMxAnswer(domain: string, answer: readonly MxRecord[]): MxPlan {
  if (answer.length === 0) return { kind: 'none' }
  const records = answer
    .map((r) => ({ preference: r.priority, exchange: published(r.exchange) }))
    .sort((a, b) => a.preference - b.preference || a.exchange.localeCompare(b.exchange))
  const real = records.filter((r) => r.exchange !== '')
  if (real.length === 0) return { kind: 'null', records, findings: [mxFinding('mx-null', { domain })] }
  const findings =
    real.length < records.length ? [mxFinding('mx-null-with-others', { domain, count: real.length })] : []
  const hosts: PlannedHost[] = []
  const seen = new Set<string>()
  for (const r of real) {
    const target = mxTarget(r.exchange)
    if (seen.has(target.name)) continue
    seen.add(target.name)
    hosts.push({ ...target, preference: r.preference, implicit: false })
  }
  return { kind: 'mx', records, hosts, findings }
}

/** RFC 5321 5.1: no MX, so the domain itself (its A/AAAA) is the one mail host, preference 0. */
export function implicitMx(
  domain: string,
  addresses: readonly string[],
): { host: PlannedHost; finding: Finding } {
  return {
    host: { name: domain, preference: 0, implicit: true, target: 'host', findings: [] },
    finding: mxFinding('mx-implicit', { domain, addresses: addresses.slice(0, 4).join(', ') }),
  }
}

/** The hosts to probe (host names only, in order, at most MX_HOSTS_PROBED) and a note on the rest. */
export function hostsToProbe(hosts: readonly PlannedHost[]): { probe: Set<string>; note: string | null } {
  const names = hosts.filter((h) => h.target === 'host').map((h) => h.name)
  const probe = new Set(names.slice(0, MX_HOSTS_PROBED))
  const note =
    names.length > MX_HOSTS_PROBED
      ? `${names.length} MX hosts; the first ${MX_HOSTS_PROBED} by preference were probed on port 25.`
      : null
  return { probe, note }
}

/** RFC 2181 10.3: an MX naming an alias; `targets` is the CNAME answer (empty: not an alias). */
export function aliasFinding(name: string, targets: readonly string[]): Finding | null {
  const target = targets[0]
  return target === undefined ? null : mxFinding('mx-cname', { mx: name, target: published(target) })
}

/** The policy's verdict on one host: its covering pattern (or null); null when no policy was read. */
export function policyCover(host: string, mtaSts: MtaStsCheck | null): { pattern: string | null } | null {
  const policy = mtaSts?.facts.policy
  return policy ? { pattern: matchingPattern(host, policy.mx) } : null
}

/** Every finding of an MX check with what it is about, domain first, then each host in order. */
export function mxCheckFindings(check: MxCheck): { subject: string; finding: Finding }[] {
  const of = (subject: string, findings: readonly Finding[]) =>
    findings.map((finding) => ({ subject, finding }))
  return [
    ...of(`MX of ${check.domain}`, check.findings),
    ...check.hosts.flatMap((h) => [
      ...of(`MX ${h.name}`, h.findings),
      ...of(`${h.name}:25`, h.endpoint?.findings ?? []),
    ]),
    ...of(`MTA-STS of ${check.domain}`, check.mtaSts?.findings ?? []),
    ...of(`TLS-RPT of ${check.domain}`, check.tlsRpt?.findings ?? []),
  ]
}
