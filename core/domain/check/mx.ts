// The MX part of `domain check DOMAIN`: the MX records (or the implicit MX of RFC 5321 5.1, or the
// null MX of RFC 7505), each mail host's port 25 probed by the probe's own endpoint prober
// (STARTTLS, certificate, TLS versions) under its per-host limiter and stagger, aliases (CNAME)
// looked up, and the probe's MTA-STS and TLS-RPT checks given this MX list. One implementation:
// `mailwarden probe` calls the same checkMtaSts, checkTlsRpt and probeEndpoint.
import { isIP } from 'node:net'
import type { Finding } from '../../../shared/contract/mail.js'
import type { DiscoveredEndpoint } from '../../../shared/contract/probe-target.js'
import { domainFinding } from '../../../shared/knowledge/domain-findings.js'
import { mxFinding } from '../../../shared/knowledge/mx-findings.js'
import { EngineError } from '../../api/errors.js'
import { DnsError, type MxRecord, type Resolver } from '../../dns/resolver.js'
import { NetError } from '../../net/errors.js'
import type { LineLimits } from '../../net/line-reader.js'
import { DISCOVERY_CONCURRENCY } from '../../probe/discovery/limits.js'
import { normalizeHostName } from '../../probe/discovery/target.js'
import { checkMtaSts } from '../../probe/domain/mta-sts.js'
import { checkTlsRpt, type TlsRptCheck } from '../../probe/domain/tls-rpt.js'
import { type ProbedEndpoint, probeEndpoint } from '../../probe/endpoint/probe-endpoint.js'
import { DEFAULT_PROBE_TIMEOUT_MS, DOMAIN_CHECK_TIMEOUT_MS } from '../../probe/limits.js'
import { HostLimiter, type HostLimiterOptions, pool, staggered } from '../../probe/schedule.js'
import type { TrustAnchors } from '../../probe/tls/trust.js'
import { untilAborted } from '../../runs/abortable.js'
import {
  aliasFinding,
  hostsToProbe,
  implicitMx,
  type PlannedHost,
  policyCover,
  readMxAnswer,
} from './mx-records.js'
import type { MxCheck, MxHostCheck, MxRecordFact } from './mx-types.js'

export { MX_HOSTS_PROBED, mxCheckFindings } from './mx-records.js'
export type { MxCheck, MxHostCheck, MxKind, MxRecordFact, MxTargetKind } from './mx-types.js'

export interface MxCheckOptions {
  resolver: Resolver
  /** The probe's trust anchors (loadTrust(caFile)): for port 25's certificate and the policy fetch. */
  trust: TrustAnchors
  /** Per step of a port 25 probe (connect, one reply, one handshake); also caps each DNS query. */
  timeoutMs?: number
  signal?: AbortSignal
  /** The probe's per-host limiter; a caller probing more (other checks) may share one. */
  limiter?: HostLimiter
  hostLimits?: HostLimiterOptions
  /** Line caps for hostile-server tests. */
  limits?: Partial<Omit<LineLimits, 'readTimeoutMs'>>
  greetingSniffMs?: number
}

const cancelled = () => new NetError('cancelled', 'Cancelled.')

function empty(error: unknown): boolean {
  return error instanceof DnsError && (error.kind === 'not-found' || error.kind === 'no-data')
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** One DNS query, given up after `ms` (a timeout DnsError) or at once on cancel. */
function dnsStep<T>(work: Promise<T>, name: string, ms: number, signal?: AbortSignal): Promise<T> {
  const deadline = AbortSignal.timeout(ms)
  const either = signal ? AbortSignal.any([signal, deadline]) : deadline
  return untilAborted(work, either, () =>
    signal?.aborted
      ? cancelled()
      : new DnsError('timeout', name, `The DNS server did not answer for ${name} in time.`),
  )
}

/**
 * Checks how `domain` receives mail. Throws only for a name that is no domain (invalid-request) and
 * a cancel (NetError 'cancelled'); every DNS, network or server fault is a finding.
 */
export async function checkMx(input: string, options: MxCheckOptions): Promise<MxCheck> {
  const domain = normalizeHostName(input)
  if (domain === null || isIP(domain) !== 0)
    throw new EngineError('invalid-request', `"${input.slice(0, 80)}" is not a domain name.`)
  const stepMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
  const dnsMs = Math.min(stepMs, DOMAIN_CHECK_TIMEOUT_MS)
  const base = { domain, records: [] as MxRecordFact[], hosts: [], mtaSts: null, tlsRpt: null, notes: [] }
  let answer: MxRecord[] = []
  try {
    answer = await dnsStep(options.resolver.mx(domain), domain, dnsMs, options.signal)
  } catch (error) {
    if (options.signal?.aborted) throw cancelled()
    if (!empty(error))
      return {
        ...base,
        kind: 'dns-failed',
        findings: [domainFinding('domain-dns-failed', { name: `MX ${domain}`, reason: message(error) })],
      }
  }
  const plan = readMxAnswer(domain, answer)
  if (plan.kind === 'null') return { ...base, kind: 'null', records: plan.records, findings: plan.findings }
  if (plan.kind === 'mx') return checkHosts(domain, 'mx', plan.records, plan.hosts, plan.findings, options)

  // No MX: the domain's own address is the implicit MX (RFC 5321 5.1), if it has one.
  try {
    const addresses = await dnsStep(options.resolver.addresses(domain), domain, dnsMs, options.signal)
    const implicit = implicitMx(domain, addresses)
    return checkHosts(domain, 'implicit', [], [implicit.host], [implicit.finding], options)
  } catch (error) {
    if (options.signal?.aborted) throw cancelled()
    const finding = empty(error)
      ? mxFinding('mx-absent', { domain, reason: message(error) })
      : domainFinding('domain-dns-failed', { name: domain, reason: message(error) })
    return { ...base, kind: empty(error) ? 'absent' : 'dns-failed', findings: [finding] }
  }
}

/** The hosts' port 25, aliases, MTA-STS and TLS-RPT, all at once. */
async function checkHosts(
  domain: string,
  kind: 'mx' | 'implicit',
  records: MxRecordFact[],
  hosts: readonly PlannedHost[],
  findings: Finding[],
  options: MxCheckOptions,
): Promise<MxCheck> {
  const notes: string[] = []
  const { probe, note } = hostsToProbe(hosts)
  if (note) notes.push(note)
  const names = hosts.filter((h) => h.target === 'host').map((h) => h.name)
  const dnsMs = Math.min(options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, DOMAIN_CHECK_TIMEOUT_MS)
  const [mtaSts, tlsRpt, aliases, endpoints] = await Promise.all([
    // Bounded by the resolver's and the fetch's own timeouts; a cancel stops the wait at once.
    untilAborted(
      checkMtaSts(domain, {
        resolver: options.resolver,
        signal: options.signal,
        timeoutMs: dnsMs,
        extraCa: options.trust.extraPem,
        mxHosts: names,
      }),
      options.signal,
      cancelled,
    ),
    tlsRptOf(domain, dnsMs, options),
    kind === 'mx' ? lookUpAliases(names, dnsMs, options, notes) : Promise.resolve(new Map<string, Alias>()),
    probePort25(
      domain,
      hosts.filter((h) => probe.has(h.name)),
      options,
    ),
  ])
  const checked: MxHostCheck[] = hosts.map((h) => {
    const alias = aliases.get(h.name)
    return {
      name: h.name,
      preference: h.preference,
      implicit: h.implicit,
      target: h.target,
      cname: alias?.target ?? null,
      mtaSts: h.target === 'host' ? policyCover(h.name, mtaSts) : null,
      endpoint: endpoints.get(h.name) ?? null,
      notProbed: notProbedReason(h, probe),
      findings: [...h.findings, ...(alias ? [alias.finding] : [])],
    }
  })
  return { domain, kind, records, hosts: checked, mtaSts, tlsRpt, findings, notes }
}

function notProbedReason(host: PlannedHost, probe: ReadonlySet<string>): string | null {
  if (host.target === 'ip-literal')
    return 'An IP address where a host name belongs: senders do not deliver there.'
  if (host.target === 'invalid') return 'Not a valid host name.'
  return probe.has(host.name) ? null : 'Beyond the number of MX hosts probed.'
}

/** An MX host that is an alias, or whose alias lookup failed. */
interface Alias {
  target: string | null
  finding: Finding
}

/** Each MX name's CNAME, at most DISCOVERY_CONCURRENCY queries at once; names that are no alias are absent. */
async function lookUpAliases(
  names: readonly string[],
  dnsMs: number,
  options: MxCheckOptions,
  notes: string[],
): Promise<Map<string, Alias>> {
  const out = new Map<string, Alias>()
  const cname = options.resolver.cname?.bind(options.resolver)
  if (!cname) {
    notes.push(
      `This resolver (${options.resolver.description}) cannot ask for CNAME records: MX aliases were not checked.`,
    )
    return out
  }
  const outcomes = await pool(
    names,
    DISCOVERY_CONCURRENCY,
    (name) => dnsStep(cname(name), name, dnsMs, options.signal),
    options.signal,
  )
  if (options.signal?.aborted) throw cancelled()
  for (const [index, outcome] of outcomes.entries()) {
    const name = names[index] as string
    if (outcome.status === 'fulfilled') {
      const finding = aliasFinding(name, outcome.value)
      if (finding)
        out.set(name, { target: outcome.value[0]?.toLowerCase().replace(/\.$/, '') ?? null, finding })
    } else if (!empty(outcome.reason))
      out.set(name, {
        target: null,
        finding: domainFinding('domain-dns-failed', {
          name: `CNAME ${name}`,
          reason: message(outcome.reason),
        }),
      })
  }
  return out
}

/** Port 25 of each host, as `mailwarden probe HOST:25` would: staggered, under the per-host limiter. */
async function probePort25(
  domain: string,
  hosts: readonly PlannedHost[],
  options: MxCheckOptions,
): Promise<Map<string, ProbedEndpoint>> {
  const limiter = options.limiter ?? new HostLimiter(options.hostLimits)
  const endpoints = hosts.map(
    (h): DiscoveredEndpoint => ({
      host: h.name,
      port: 25,
      protocol: 'smtp',
      expected: 'starttls',
      source: 'mx',
      trusted: true,
      sourceDetail: h.implicit
        ? `implicit MX of ${domain} (no MX record)`
        : `MX ${h.preference} ${h.name} of ${domain}`,
      alsoFrom: [],
      clientSetting: null,
    }),
  )
  const outcomes = await staggered(
    endpoints,
    limiter.staggerMs,
    (endpoint) =>
      probeEndpoint(endpoint, {
        resolver: options.resolver,
        trust: options.trust,
        timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
        limiter,
        signal: options.signal,
        limits: options.limits,
        greetingSniffMs: options.greetingSniffMs,
      }),
    options.signal,
  )
  const out = new Map<string, ProbedEndpoint>()
  for (const [index, outcome] of outcomes.entries()) {
    // The prober turns every server fault into a finding: a rejection is a cancel or a bug.
    if (outcome.status === 'rejected') throw options.signal?.aborted ? cancelled() : outcome.reason
    out.set((hosts[index] as PlannedHost).name, outcome.value)
  }
  return out
}

/** The probe's TLS-RPT check, under this check's DNS deadline (a timeout is a finding, not a throw). */
async function tlsRptOf(domain: string, dnsMs: number, options: MxCheckOptions): Promise<TlsRptCheck> {
  const name = `_smtp._tls.${domain}`
  try {
    return await dnsStep(checkTlsRpt(domain, { resolver: options.resolver }), name, dnsMs, options.signal)
  } catch (error) {
    if (options.signal?.aborted) throw cancelled()
    return {
      facts: { domain, record: null, rua: [] },
      findings: [domainFinding('domain-dns-failed', { name, reason: message(error) })],
    }
  }
}
