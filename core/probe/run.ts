// One probe run: parse the targets, discover endpoints (P2's discover), probe each (per-host
// connection cap and staggered starts), check each mail domain's MTA-STS and TLS-RPT, explain
// every endpoint in each client's words, and assemble the report. `probe()` is the plain function
// the CLI and the bench call; handlers.ts runs it as the `probe.start` long run.
import type {
  DomainCheckStatus,
  DomainChecks,
  EndpointReport,
  ProbeFinding,
  ProbeProgress,
  ProbeReport,
  ProbeStartRequest,
} from '../../shared/contract/probe.js'
import type { DiscoveredEndpoint, DiscoveryNote, DiscoveryStep } from '../../shared/contract/probe-target.js'
import type { MailClientId } from '../../shared/contract/schemas.js'
import { explainEndpoint } from '../../shared/knowledge/explain.js'
import { EngineError } from '../api/errors.js'
import type { MxRecord, Resolver } from '../dns/resolver.js'
import { NetError } from '../net/errors.js'
import type { LineLimits } from '../net/line-reader.js'
import { type DiscoveryResult, discover } from './discovery/discover.js'
import { HostLimiter, type HostLimiterOptions, staggered } from './discovery/limits.js'
import { parseTargets, TargetError } from './discovery/target.js'
import { checkDomain } from './domain/index.js'
import { type ProbedEndpoint, probeEndpoint } from './endpoint/probe-endpoint.js'
import { MAX_ENDPOINTS_PER_RUN } from './limits.js'
import { CaFileError, loadTrust } from './tls/trust.js'
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

function toFinding(f: {
  id: string
  severity: 'bad' | 'warn' | 'info'
  title: string
  detail: string
  fix: string
}) {
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

/** Probes every target; `onProgress` hears discovery steps and each endpoint as it goes. */
export async function probe(
  request: ProbeTargetInput,
  options: ProbeOptions,
  onProgress: (progress: ProbeProgress) => void = () => {},
): Promise<ProbeReport> {
  const startedAt = new Date()
  const t0 = performance.now()
  const { signal } = options
  let targets: ReturnType<typeof parseTargets>
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
  let trust: Awaited<ReturnType<typeof loadTrust>>
  try {
    trust = await loadTrust(options.caFile)
  } catch (error) {
    if (error instanceof CaFileError) throw new EngineError('invalid-request', error.message)
    throw error
  }

  const steps: DiscoveryStep[] = []
  const onStep = (step: DiscoveryStep) => {
    steps.push(step)
    onProgress({ stage: 'discovery', step })
  }
  const discoveries: DiscoveryResult[] = await Promise.all(
    targets.map((target) =>
      discover(target, {
        resolver: options.resolver,
        signal,
        ispdbUrl: options.ispdbUrl,
        extraCa: trust.extraPem,
        timeoutMs: options.timeoutMs,
        onStep,
      }),
    ),
  )
  if (cancelled(signal)) throw new NetError('cancelled', 'Cancelled.')

  const notes: string[] = []
  const discoveryNotes: DiscoveryNote[] = discoveries.flatMap((d) => d.notes)
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
  onProgress({ stage: 'discovered', endpoints: endpoints.map((e) => ({ ...e, key: key(e) })) })

  // A bare host without --port is a sweep of its seven standard ports: a port there that refuses
  // the connection is information. A port the user named, or that discovery found, is not.
  const sweepKeys = new Set<string>()
  const namedKeys = new Set<string>()
  targets.forEach((target, index) => {
    const sweep = target.kind === 'host' && (request.ports ?? []).length === 0
    for (const e of discoveries[index]?.endpoints ?? []) (sweep ? sweepKeys : namedKeys).add(key(e))
  })
  const swept = (e: { host: string; port: number }) => sweepKeys.has(key(e)) && !namedKeys.has(key(e))

  const limiter = new HostLimiter(options.hostLimits)
  const domainsToCheck = [
    ...new Map(
      discoveries
        .filter((d): d is DiscoveryResult & { domain: string } => d.domain !== null && !d.failure)
        .map((d) => [d.domain, d]),
    ).values(),
  ]
  const domainTask = Promise.allSettled(
    domainsToCheck.map(async (d) => {
      const checks = await domainChecks(d.domain, d.mx, options, trust.extraPem)
      if (!cancelled(signal)) onProgress({ stage: 'domain', checks })
      return checks
    }),
  )

  let explainerFailed = false
  const probed = await staggered(
    endpoints,
    limiter.staggerMs,
    async (endpoint) => {
      onProgress({ stage: 'connecting', key: key(endpoint) })
      const result: ProbedEndpoint = await probeEndpoint(endpoint, {
        resolver: options.resolver,
        trust,
        timeoutMs: options.timeoutMs,
        limiter,
        signal,
        limits: options.limits,
        greetingSniffMs: options.greetingSniffMs,
        sweep: swept(endpoint),
      })
      let clients: EndpointReport['clients'] = {}
      try {
        clients = explainEndpoint(result)
      } catch {
        explainerFailed = true
      }
      const report: EndpointReport = { ...result, clients }
      if (!cancelled(signal)) onProgress({ stage: 'done', key: report.key, endpoint: report })
      return report
    },
    signal,
  )
  const domainResults = await domainTask
  if (cancelled(signal)) throw new NetError('cancelled', 'Cancelled.')

  const reports: EndpointReport[] = []
  for (const outcome of probed) {
    if (outcome.status === 'fulfilled') reports.push(outcome.value)
    else throw outcome.reason
  }
  // Not one name resolved: the probe could not run (the CLI exits 2), rather than "7 warnings".
  const dnsFailures = reports.map((r) => r.findings.find((f) => f.id === 'dns-failed'))
  if (reports.length > 0 && dnsFailures.every((f) => f !== undefined))
    throw new EngineError(
      'unavailable',
      `No server name could be resolved (${[...new Set(reports.map((r) => r.reason))].slice(0, 3).join(' ')}); check the name and the DNS server (${options.resolver.description}).`,
    )
  const domains: DomainChecks[] = []
  for (const [index, outcome] of domainResults.entries()) {
    if (outcome.status === 'fulfilled') domains.push(outcome.value)
    else
      notes.push(
        `The MTA-STS / TLS-RPT check of ${domainsToCheck[index]?.domain ?? 'the domain'} failed: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`,
      )
  }
  // A swept host where no standard port answers at all is not "good": say so.
  const sweptHosts = new Map<string, EndpointReport[]>()
  for (const r of reports)
    if (swept(r)) sweptHosts.set(r.host.toLowerCase(), [...(sweptHosts.get(r.host.toLowerCase()) ?? []), r])
  let nothingAnswered = false
  for (const [host, list] of sweptHosts)
    if (list.every((r) => r.findings.some((f) => f.id === 'port-closed'))) {
      nothingAnswered = true
      notes.push(`No standard mail port of ${host} accepted a connection: it offers no mail service here.`)
    }
  if (trust.store.note) notes.push(trust.store.note)
  if (explainerFailed)
    notes.push('The client advice could not be computed for some endpoints; their "clients" is empty.')
  const untested = new Set(reports.flatMap((r) => r.tls?.versionsUntested.map((u) => u.reason) ?? []))
  for (const reason of untested) if (reason.startsWith("This runtime's OpenSSL")) notes.push(reason)

  return {
    target: targets.map((t) => t.input).join(', '),
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    resolver: options.resolver.description,
    trustedAgainst: trust.description,
    trustStore: trust.store,
    client: options.client,
    endpoints: reports,
    discovery: { steps, notes: discoveryNotes },
    domains,
    verdict: worstVerdict([
      ...reports.map((r) => r.verdict),
      ...(nothingAnswered ? (['warn'] as const) : []),
    ]),
    notes,
  }
}
