// One probe run: parse the targets, discover endpoints (P2's discover), probe each (per-host
// connection cap and staggered starts), check each mail domain's MTA-STS and TLS-RPT, explain
// every endpoint in each client's words, and assemble the report. `probe()` is the plain function
// the CLI and the bench call; handlers.ts runs it as the `probe.start` long run.

import type { Severity } from '../../shared/contract/mail.js'
import type {
  DomainCheckStatus,
  DomainChecks,
  EndpointReport,
  ProbeFinding,
  ProbeProgress,
  ProbeReport,
  ProbeStartRequest,
} from '../../shared/contract/probe.js'
import type { DiscoveredEndpoint, DiscoveryStep } from '../../shared/contract/probe-target.js'
import type { MailClientId } from '../../shared/contract/schemas.js'
import { explainEndpoint } from '../../shared/knowledge/explain.js'
import { EngineError } from '../api/errors.js'
import type { MxRecord, Resolver } from '../dns/resolver.js'
import { NetError } from '../net/errors.js'
import type { LineLimits } from '../net/line-reader.js'
import { type DiscoveryResult, discover } from './discovery/discover.js'
import { type ParsedTarget, parseTargets, TargetError } from './discovery/target.js'
import { checkDomain } from './domain/index.js'
import { type ProbedEndpoint, type ProberOptions, probeEndpoint } from './endpoint/probe-endpoint.js'
import { MAX_ENDPOINTS_PER_RUN, MAX_REASONS_QUOTED } from './limits.js'
import { HostLimiter, type HostLimiterOptions, staggered } from './schedule.js'
import { CaFileError, loadTrust, type TrustAnchors } from './tls/trust.js'
import { worstVerdict } from './verdict.js'

export interface ProbeOptions {
  resolver: Resolver
  /** Extra CA file (PEM) trusted besides the system's; null: none. */
  caFile: string | null
  /** Per step (connect, reply, handshake). */
  timeoutMs: number
  client: MailClientId
  /** Base URL of the Thunderbird ISP database; null: not asked. */
  ispdbUrl: string | null
  signal?: AbortSignal
  /** Per-host connection cap and stagger (P2's limiter); tests and the bench may tune them. */
  hostLimits?: HostLimiterOptions
  /** Line caps for hostile-server tests. */
  limits?: Partial<Omit<LineLimits, 'readTimeoutMs'>>
  greetingSniffMs?: number
}

export type ProbeTargetInput = Pick<ProbeStartRequest, 'targets' | 'servers' | 'ports'>

function key(endpoint: { host: string; port: number }): string {
  return `${endpoint.host.toLowerCase()}:${endpoint.port}`
}

function cancelled(signal?: AbortSignal): boolean {
  return signal?.aborted === true
}

function statusOf(findings: readonly { severity: string }[], present: boolean): DomainCheckStatus {
  if (findings.some((f) => f.severity === 'bad')) return 'bad'
  if (!present) return 'absent'
  if (findings.some((f) => f.severity === 'warn')) return 'warn'
  return 'good'
}

function toFinding(f: { id: string; severity: Severity; title: string; detail: string; fix: string }) {
  return {
    id: f.id,
    severity: f.severity,
    title: f.title,
    detail: f.detail,
    fix: f.fix,
  } satisfies ProbeFinding
}

/** P2's domain facts in the report's shape. */
async function domainChecks(
  domain: string,
  mx: readonly MxRecord[],
  options: ProbeOptions,
  extraCa: string | null,
): Promise<DomainChecks> {
  const checks = await checkDomain(domain, {
    resolver: options.resolver,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    extraCa,
    mxHosts: mx.map((m) => m.exchange),
  })
  const sts = checks.mtaSts
  const rpt = checks.tlsRpt
  const worst = (list: readonly { severity: string; title: string }[]) =>
    [...list].sort((a, b) => (a.severity === 'bad' ? -1 : b.severity === 'bad' ? 1 : 0))[0]?.title
  return {
    domain,
    mtaSts: {
      status: statusOf(sts.findings, sts.facts.record !== null),
      record: sts.facts.record,
      mode: sts.facts.policy?.mode ?? null,
      mx: sts.facts.policy?.mx ?? [],
      maxAgeSeconds: sts.facts.policy?.maxAge ?? null,
      policyUrl: sts.facts.policyUrl,
      detail:
        worst(sts.findings) ??
        (sts.facts.policy
          ? `Policy in ${sts.facts.policy.mode} mode for ${sts.facts.policy.mx.join(', ')}.`
          : 'No MTA-STS policy.'),
    },
    tlsRpt: {
      status: statusOf(rpt.findings, rpt.facts.record !== null),
      record: rpt.facts.record,
      reportTo: rpt.facts.rua,
      detail:
        worst(rpt.findings) ??
        (rpt.facts.record ? `Reports go to ${rpt.facts.rua.join(', ')}.` : 'No TLS-RPT record.'),
    },
    findings: [...sts.findings, ...rpt.findings].map(toFinding),
  }
}

/** Probes every target; `onProgress` hears discovery steps and each endpoint as it goes. The
 * phases: parse the request, discover, plan the endpoints, domain checks alongside the endpoint
 * probes (under the per-host limiter), then the report. */
export async function probe(
  request: ProbeTargetInput,
  options: ProbeOptions,
  onProgress: (progress: ProbeProgress) => void = () => {},
): Promise<ProbeReport> {
  const startedAt = new Date()
  const t0 = performance.now()
  const targets = parseRequest(request)
  const trust = await trustFor(options.caFile)
  const discovery = await discoverAll(targets, options, trust, onProgress)
  if (cancelled(options.signal)) throw new NetError('cancelled', 'Cancelled.')
  const plan = planEndpoints(discovery.results, (request.ports ?? []).length > 0)
  onProgress({ stage: 'discovered', endpoints: plan.endpoints.map((e) => ({ ...e, key: key(e) })) })

  const domains = domainsToCheck(discovery.results)
  const domainTask = checkDomains(domains, options, trust.extraPem, onProgress)
  const probed = await probeEndpoints(plan, options, trust, onProgress)
  const domainOutcomes = await domainTask
  if (cancelled(options.signal)) throw new NetError('cancelled', 'Cancelled.')

  const endpoints = fulfilled(probed)
  const reports = endpoints.map((p) => p.report)
  requireSomeName(reports, options.resolver)
  const checks = domainReports(domainOutcomes, domains)
  const swept = sweptHostsSilent(reports, plan.swept)
  const notes = [
    ...plan.notes,
    ...checks.notes,
    ...swept.notes,
    ...(trust.store.note ? [trust.store.note] : []),
    ...(endpoints.some((p) => !p.explained)
      ? ['The client advice could not be computed for some endpoints; their "clients" is empty.']
      : []),
    ...runtimeNotes(reports),
  ]
  return {
    target: targets.map((t) => t.input).join(', '),
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    resolver: options.resolver.description,
    trustedAgainst: trust.description,
    trustStore: trust.store,
    client: options.client,
    endpoints: reports,
    discovery: { steps: discovery.steps, notes: discovery.results.flatMap((d) => d.notes) },
    domains: checks.domains,
    verdict: worstVerdict([
      ...reports.map((r) => r.verdict),
      ...(swept.nothingAnswered ? (['warn'] as const) : []),
    ]),
    notes,
  }
}

/** The request's targets, parsed; a bad or empty list is an invalid request. */
function parseRequest(request: ProbeTargetInput): ParsedTarget[] {
  let targets: ParsedTarget[]
  try {
    targets = parseTargets({
      targets: request.targets,
      servers: request.servers ?? [],
      ports: request.ports ?? [],
    })
  } catch (error) {
    if (error instanceof TargetError) throw new EngineError('invalid-request', error.message)
    throw error
  }
  if (targets.length === 0)
    throw new EngineError(
      'invalid-request',
      'Give at least one email address, domain, host or host:port to probe.',
    )
  return targets
}

/** The trust anchors of the run; an unreadable CA file is an invalid request. */
async function trustFor(caFile: string | null): Promise<TrustAnchors> {
  try {
    return await loadTrust(caFile)
  } catch (error) {
    if (error instanceof CaFileError) throw new EngineError('invalid-request', error.message)
    throw error
  }
}

/** Every target's discovery at once; each step is heard, and kept, in the order it happens. */
async function discoverAll(
  targets: readonly ParsedTarget[],
  options: ProbeOptions,
  trust: TrustAnchors,
  onProgress: (progress: ProbeProgress) => void,
): Promise<{ results: DiscoveryResult[]; steps: DiscoveryStep[] }> {
  const steps: DiscoveryStep[] = []
  const results = await Promise.all(
    targets.map((target) =>
      discover(target, {
        resolver: options.resolver,
        signal: options.signal,
        ispdbUrl: options.ispdbUrl,
        extraCa: trust.extraPem,
        timeoutMs: options.timeoutMs,
        onStep: (step) => {
          steps.push(step)
          onProgress({ stage: 'discovery', step })
        },
      }),
    ),
  )
  return { results, steps }
}

interface EndpointPlan {
  /** What will be probed: each host:port once, at most MAX_ENDPOINTS_PER_RUN. */
  endpoints: DiscoveredEndpoint[]
  /** Keys of a bare host's standard ports that no target named and discovery did not find. */
  swept: ReadonlySet<string>
  notes: string[]
}

/** Each host:port once, capped; which of them are a sweep; nothing at all is unavailable. */
function planEndpoints(discoveries: readonly DiscoveryResult[], portsGiven: boolean): EndpointPlan {
  const notes: string[] = []
  const seen = new Map<string, DiscoveredEndpoint>()
  for (const d of discoveries) {
    if (d.failure) notes.push(d.failure)
    for (const e of d.endpoints) if (!seen.has(key(e))) seen.set(key(e), e)
  }
  const all = [...seen.values()]
  if (all.length === 0) {
    const why = discoveries.map((d) => d.failure).filter((f): f is string => f !== null)
    throw new EngineError(
      'unavailable',
      why.length > 0
        ? `Nothing to probe: ${why.join(' ')}`
        : 'Discovery found no mail server to probe for this target.',
    )
  }
  const endpoints = all.slice(0, MAX_ENDPOINTS_PER_RUN)
  if (all.length > endpoints.length)
    notes.push(`${all.length} endpoints were found; the first ${MAX_ENDPOINTS_PER_RUN} were probed.`)
  // A bare host without --port is a sweep of its seven standard ports: a port there that refuses
  // the connection is information. A port the user named, or that discovery found, is not.
  const sweepKeys = new Set<string>()
  const namedKeys = new Set<string>()
  for (const d of discoveries) {
    const sweep = d.target.kind === 'host' && !portsGiven
    for (const e of d.endpoints) (sweep ? sweepKeys : namedKeys).add(key(e))
  }
  return { endpoints, swept: new Set([...sweepKeys].filter((k) => !namedKeys.has(k))), notes }
}

type CheckedDomain = DiscoveryResult & { domain: string }

/** Each mail domain whose discovery ran, once. */
function domainsToCheck(discoveries: readonly DiscoveryResult[]): CheckedDomain[] {
  return [
    ...new Map(
      discoveries
        .filter((d): d is CheckedDomain => d.domain !== null && !d.failure)
        .map((d) => [d.domain, d]),
    ).values(),
  ]
}

function checkDomains(
  domains: readonly CheckedDomain[],
  options: ProbeOptions,
  extraCa: string | null,
  onProgress: (progress: ProbeProgress) => void,
): Promise<PromiseSettledResult<DomainChecks>[]> {
  return Promise.allSettled(
    domains.map(async (d) => {
      const checks = await domainChecks(d.domain, d.mx, options, extraCa)
      if (!cancelled(options.signal)) onProgress({ stage: 'domain', checks })
      return checks
    }),
  )
}

interface ProbedReport {
  report: EndpointReport
  /** False when the client advice could not be computed (then `clients` is empty). */
  explained: boolean
}

/** Every endpoint, staggered, each host's connections capped by one limiter for the run. */
function probeEndpoints(
  plan: EndpointPlan,
  options: ProbeOptions,
  trust: TrustAnchors,
  onProgress: (progress: ProbeProgress) => void,
): Promise<PromiseSettledResult<ProbedReport>[]> {
  const limiter = new HostLimiter(options.hostLimits)
  const prober: ProberOptions = {
    resolver: options.resolver,
    trust,
    timeoutMs: options.timeoutMs,
    limiter,
    signal: options.signal,
    limits: options.limits,
    greetingSniffMs: options.greetingSniffMs,
  }
  return staggered(
    plan.endpoints,
    limiter.staggerMs,
    (endpoint) => probeOne(endpoint, { ...prober, sweep: plan.swept.has(key(endpoint)) }, onProgress),
    options.signal,
  )
}

/** One endpoint, then the advice in each client's words. */
async function probeOne(
  endpoint: DiscoveredEndpoint,
  prober: ProberOptions,
  onProgress: (progress: ProbeProgress) => void,
): Promise<ProbedReport> {
  onProgress({ stage: 'connecting', key: key(endpoint) })
  const result: ProbedEndpoint = await probeEndpoint(endpoint, prober)
  let clients: EndpointReport['clients'] = {}
  let explained = true
  try {
    clients = explainEndpoint(result)
  } catch {
    explained = false
  }
  const report: EndpointReport = { ...result, clients }
  if (!cancelled(prober.signal)) onProgress({ stage: 'done', key: report.key, endpoint: report })
  return { report, explained }
}

/** The probed endpoints in order; a rejected one (never a finding: a bug or a cancel) is thrown. */
function fulfilled(probed: readonly PromiseSettledResult<ProbedReport>[]): ProbedReport[] {
  const out: ProbedReport[] = []
  for (const outcome of probed) {
    if (outcome.status === 'fulfilled') out.push(outcome.value)
    else throw outcome.reason
  }
  return out
}

/** Not one name resolved: the probe could not run (the CLI exits 2), rather than "7 warnings". */
function requireSomeName(reports: readonly EndpointReport[], resolver: Resolver): void {
  const dnsFailures = reports.map((r) => r.findings.find((f) => f.id === 'dns-failed'))
  if (reports.length > 0 && dnsFailures.every((f) => f !== undefined))
    throw new EngineError(
      'unavailable',
      `No server name could be resolved (${[...new Set(reports.map((r) => r.reason))].slice(0, MAX_REASONS_QUOTED).join(' ')}); check the name and the DNS server (${resolver.description}).`,
    )
}

/** The domain checks that finished; a note for each that failed. */
function domainReports(
  outcomes: readonly PromiseSettledResult<DomainChecks>[],
  domains: readonly CheckedDomain[],
): { domains: DomainChecks[]; notes: string[] } {
  const out: DomainChecks[] = []
  const notes: string[] = []
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.status === 'fulfilled') out.push(outcome.value)
    else
      notes.push(
        `The MTA-STS / TLS-RPT check of ${domains[index]?.domain ?? 'the domain'} failed: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`,
      )
  }
  return { domains: out, notes }
}

/** A swept host where no standard port answers at all is not "good": say so. */
function sweptHostsSilent(
  reports: readonly EndpointReport[],
  swept: ReadonlySet<string>,
): { notes: string[]; nothingAnswered: boolean } {
  const hosts = new Map<string, EndpointReport[]>()
  for (const r of reports)
    if (swept.has(key(r))) hosts.set(r.host.toLowerCase(), [...(hosts.get(r.host.toLowerCase()) ?? []), r])
  const notes: string[] = []
  for (const [host, list] of hosts)
    if (list.every((r) => r.findings.some((f) => f.id === 'port-closed')))
      notes.push(`No standard mail port of ${host} accepted a connection: it offers no mail service here.`)
  return { notes, nothingAnswered: notes.length > 0 }
}

/** What this runtime could not try (its OpenSSL lacks a version) is a fact of the run, said once. */
function runtimeNotes(reports: readonly EndpointReport[]): string[] {
  const untested = reports.flatMap((r) => r.tls?.versionsUntested ?? [])
  return [...new Set(untested.filter((u) => u.id === 'runtime-cannot-offer').map((u) => u.reason))]
}
