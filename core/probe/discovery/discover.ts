// From a parsed target to the endpoints to probe. For an address or a domain, in parallel and
// bounded: MX, the SRV records of RFC 6186/8314, the domain's autoconfig files (HTTPS, then the
// plain-HTTP variants Thunderbird still accepts, marked untrusted), the ISP database; then, for
// each protocol that no SRV record or file described, the host names Thunderbird guesses (only
// names that resolve, marked untrusted). Each endpoint keeps its source and whether that source
// deserves trust.
import type { MailProtocol } from '../../../shared/contract/accounts.js'
import type {
  DiscoveredEndpoint,
  DiscoveryNote,
  DiscoveryStep,
  EndpointSource,
  ExpectedSecurity,
} from '../../../shared/contract/probe-target.js'
import { DnsError, type MxRecord, type Resolver } from '../../dns/resolver.js'
import { HttpFetchError, httpFetch } from '../../net/http-fetch.js'
import { AutoconfigError, type Identity, parseAutoconfig } from './autoconfig.js'
import {
  AUTOCONFIG_MAX_BYTES,
  abortable,
  abortError,
  DISCOVERY_CONCURRENCY,
  DISCOVERY_STEP_TIMEOUT_MS,
  MAX_MX_HOSTS,
  MAX_SRV_TARGETS,
  pool,
} from './limits.js'
import { type HttpsAttempt, sourceFindings } from './source-findings.js'
import { normalizeHostName, type ParsedTarget, PORT_ROLES } from './target.js'

export interface DiscoverOptions {
  resolver: Resolver
  signal?: AbortSignal
  /** Base URL of the ISP database (the `ispdbUrl` setting); null: do not ask it. */
  ispdbUrl?: string | null
  /** PEM text of extra CAs trusted for HTTPS fetches (the `--ca` file's content). */
  extraCa?: string | null
  /** Per DNS query or fetch. */
  timeoutMs?: number
  onStep?: (step: DiscoveryStep) => void
  /** `fallback` (Thunderbird's way, the default): guess only for protocols no SRV or file described. */
  guess?: 'fallback' | 'always' | 'never'
}

export interface DiscoveryResult {
  target: ParsedTarget
  /** The mail domain discovered for, or null for a host or explicit endpoint. */
  domain: string | null
  endpoints: DiscoveredEndpoint[]
  notes: DiscoveryNote[]
  /** MX records as found (for MTA-STS); empty for a host. */
  mx: MxRecord[]
  /** Set when discovery could not run at all: the domain does not exist, or DNS never answered. */
  failure: string | null
}

/** Lower rank, more trust: what the user said, then DNS and HTTPS, then plain HTTP and guesses. */
export const SOURCE_RANK: Readonly<Record<EndpointSource, number>> = {
  user: 0,
  srv: 1,
  'autoconfig-https': 2,
  ispdb: 3,
  mx: 4,
  'autoconfig-http': 5,
  guess: 6,
}

const TRUSTED: Readonly<Record<EndpointSource, boolean>> = {
  user: true,
  srv: true,
  'autoconfig-https': true,
  ispdb: true,
  mx: true,
  'autoconfig-http': false,
  guess: false,
}

interface Candidate {
  host: string
  port: number
  protocol: MailProtocol
  expected: ExpectedSecurity
  source: EndpointSource
  sourceDetail: string
  trusted?: boolean
  /** An MX record's preference or an SRV record's priority: lower is preferred. */
  priority?: number
  /** An SRV record's weight: among equal priorities, larger is preferred (RFC 2782). */
  weight?: number
}

/**
 * The order MX and SRV records ask for (RFC 5321 5.1, RFC 2782, RFC 6186 3.4): by the number, not
 * by the text of a detail, where "MX 10" would come before "MX 5". Candidates of other sources
 * carry neither and tie.
 */
function byPreference(a: Candidate, b: Candidate): number {
  return (a.priority ?? 0) - (b.priority ?? 0) || (b.weight ?? 0) - (a.weight ?? 0)
}

export const SRV_SERVICES: readonly { label: string; protocol: MailProtocol; expected: ExpectedSecurity }[] =
  [
    { label: '_imaps._tcp', protocol: 'imap', expected: 'implicit-tls' },
    { label: '_imap._tcp', protocol: 'imap', expected: 'starttls' },
    { label: '_pop3s._tcp', protocol: 'pop3', expected: 'implicit-tls' },
    { label: '_pop3._tcp', protocol: 'pop3', expected: 'starttls' },
    { label: '_submissions._tcp', protocol: 'smtp', expected: 'implicit-tls' },
    { label: '_submission._tcp', protocol: 'smtp', expected: 'starttls' },
  ]

/** Thunderbird's guesses (guessConfig.js): host prefixes per protocol, implicit TLS port first. */
export const GUESSES: readonly {
  protocol: MailProtocol
  prefixes: readonly string[]
  ports: readonly number[]
}[] = [
  { protocol: 'imap', prefixes: ['imap.', 'mail.', ''], ports: [993, 143] },
  { protocol: 'pop3', prefixes: ['pop3.', 'pop.', 'mail.', ''], ports: [995, 110] },
  { protocol: 'smtp', prefixes: ['smtp.', 'mail.', ''], ports: [465, 587] },
]

function dnsEmpty(error: unknown): boolean {
  return error instanceof DnsError && (error.kind === 'not-found' || error.kind === 'no-data')
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Keeps one endpoint per host:port, from the most trustworthy source; the others go to alsoFrom. */
export function mergeEndpoints(candidates: readonly Candidate[]): DiscoveredEndpoint[] {
  const byKey = new Map<string, Candidate[]>()
  for (const c of candidates) {
    const key = `${c.host.toLowerCase()}:${c.port}`
    const list = byKey.get(key) ?? []
    list.push(c)
    byKey.set(key, list)
  }
  const out: { best: Candidate; endpoint: DiscoveredEndpoint }[] = []
  for (const list of byKey.values()) {
    // Lookups finish in any order: ties are broken by name so a report reads the same every time.
    const sorted = [...list].sort(
      (a, b) =>
        SOURCE_RANK[a.source] - SOURCE_RANK[b.source] ||
        byPreference(a, b) ||
        a.sourceDetail.localeCompare(b.sourceDetail),
    )
    const best = sorted[0] as Candidate
    const seen = new Set<string>([`${best.source} ${best.sourceDetail}`])
    const alsoFrom: DiscoveredEndpoint['alsoFrom'] = []
    for (const c of sorted.slice(1)) {
      const id = `${c.source} ${c.sourceDetail}`
      if (seen.has(id)) continue
      seen.add(id)
      alsoFrom.push({ source: c.source, detail: c.sourceDetail })
    }
    // A trusted source that left the security open is completed by another that names it.
    const expected =
      best.expected !== 'unknown'
        ? best.expected
        : (sorted.find((c) => c.expected !== 'unknown')?.expected ?? 'unknown')
    out.push({
      best,
      endpoint: {
        host: best.host,
        port: best.port,
        protocol: best.protocol,
        expected,
        source: best.source,
        trusted: best.trusted ?? TRUSTED[best.source],
        sourceDetail: best.sourceDetail,
        alsoFrom,
        clientSetting: null,
      },
    })
  }
  const protocolOrder: Record<MailProtocol, number> = { imap: 0, pop3: 1, smtp: 2 }
  return out
    .sort(
      (x, y) =>
        SOURCE_RANK[x.best.source] - SOURCE_RANK[y.best.source] ||
        protocolOrder[x.best.protocol] - protocolOrder[y.best.protocol] ||
        byPreference(x.best, y.best) ||
        x.best.host.localeCompare(y.best.host) ||
        x.best.port - y.best.port,
    )
    .map((x) => x.endpoint)
}

function userEndpoints(target: ParsedTarget): DiscoveredEndpoint[] {
  switch (target.kind) {
    case 'host':
      return mergeEndpoints(
        target.ports.map((port) => {
          const role = PORT_ROLES[port] ?? { protocol: 'imap' as const, expected: 'unknown' as const }
          return {
            host: target.host,
            port,
            ...role,
            source: 'user',
            sourceDetail: `standard port ${port} of ${target.host}`,
          }
        }),
      )
    case 'endpoint':
      return mergeEndpoints([{ ...target, source: 'user', sourceDetail: `${target.input} as typed` }])
    case 'settings':
      return [
        {
          host: target.host,
          port: target.port,
          protocol: target.protocol,
          expected: target.expected,
          source: 'user',
          trusted: true,
          sourceDetail: `client setting "${target.meaning.label}"`,
          alsoFrom: [],
          clientSetting: target.meaning,
        },
      ]
    default:
      return []
  }
}

/** The ISP database URL for a domain: base + domain (Thunderbird's /v1.1/<domain>). */
export function ispdbUrlFor(base: string, domain: string): string {
  return `${base.endsWith('/') ? base : `${base}/`}${encodeURIComponent(domain)}`
}

/** The autoconfig URLs Thunderbird tries for a domain, in its order. */
export function autoconfigUrls(who: Identity): { url: string; source: EndpointSource }[] {
  const query = who.address ? `?emailaddress=${encodeURIComponent(who.address)}` : ''
  const d = who.domain
  return [
    { url: `https://autoconfig.${d}/mail/config-v1.1.xml${query}`, source: 'autoconfig-https' },
    { url: `https://${d}/.well-known/autoconfig/mail/config-v1.1.xml`, source: 'autoconfig-https' },
    { url: `http://autoconfig.${d}/mail/config-v1.1.xml${query}`, source: 'autoconfig-http' },
    { url: `http://${d}/.well-known/autoconfig/mail/config-v1.1.xml`, source: 'autoconfig-http' },
  ]
}

export async function discover(target: ParsedTarget, options: DiscoverOptions): Promise<DiscoveryResult> {
  const { resolver, signal } = options
  if (signal?.aborted) throw abortError(signal)
  if (target.kind !== 'address' && target.kind !== 'domain')
    return { target, domain: null, endpoints: userEndpoints(target), notes: [], mx: [], failure: null }

  const domain = target.domain
  const who: Identity =
    target.kind === 'address'
      ? { address: target.address, localPart: target.localPart, domain }
      : { address: null, localPart: null, domain }
  const timeoutMs = options.timeoutMs ?? DISCOVERY_STEP_TIMEOUT_MS
  const step = (s: DiscoveryStep) => options.onStep?.(s)
  const candidates: Candidate[] = []
  const notes: DiscoveryNote[] = []
  const dnsFailures: DnsError[] = []
  // For the plain-HTTP findings: what each HTTPS file attempt came to, and the servers a plain-HTTP
  // file listed without TLS.
  const httpsOutcomes = new Map<string, string>()
  const plainListed = new Set<string>()
  let dnsAnswers = 0
  let domainMissing = false
  let mx: MxRecord[] = []

  // Resolver calls carry no signal; a cancelled run stops waiting for them here.
  const bounded = <T>(work: Promise<T>): Promise<T> => abortable(work, signal)

  const dnsFailed = (kind: DiscoveryStep['kind'], subject: string, error: unknown) => {
    if (kind === 'mx' && error instanceof DnsError && error.kind === 'not-found') domainMissing = true
    if (dnsEmpty(error)) {
      dnsAnswers += 1
      step({ kind, subject, status: 'empty', detail: message(error) })
      return
    }
    if (error instanceof DnsError) dnsFailures.push(error)
    step({ kind, subject, status: 'failed', detail: message(error) })
    notes.push({ source: kind === 'mx' ? 'mx' : 'srv', subject, message: message(error) })
  }

  const mxTask = async () => {
    step({ kind: 'mx', subject: domain, status: 'started', detail: `MX ${domain}` })
    try {
      const records = await bounded(resolver.mx(domain))
      dnsAnswers += 1
      mx = records
      const real = records.filter((r) => r.exchange !== '' && r.exchange !== '.')
      if (real.length === 0) {
        notes.push({
          source: 'mx',
          subject: domain,
          message: `${domain} publishes a null MX (RFC 7505): it accepts no mail.`,
        })
        step({ kind: 'mx', subject: domain, status: 'empty', detail: 'null MX: the domain accepts no mail' })
        return
      }
      for (const r of real.slice(0, MAX_MX_HOSTS)) {
        const host = normalizeHostName(r.exchange)
        if (!host) continue
        candidates.push({
          host,
          port: 25,
          protocol: 'smtp',
          expected: 'starttls',
          source: 'mx',
          sourceDetail: `MX ${r.priority} ${host} of ${domain}`,
          priority: r.priority,
        })
      }
      if (real.length > MAX_MX_HOSTS)
        notes.push({
          source: 'mx',
          subject: domain,
          message: `${real.length} MX hosts; the first ${MAX_MX_HOSTS} are probed.`,
        })
      step({
        kind: 'mx',
        subject: domain,
        status: 'found',
        detail: real.map((r) => `${r.priority} ${r.exchange}`).join(', '),
      })
    } catch (error) {
      dnsFailed('mx', domain, error)
    }
  }

  const srvTask = (service: (typeof SRV_SERVICES)[number]) => async () => {
    const name = `${service.label}.${domain}`
    step({ kind: 'srv', subject: name, status: 'started', detail: `SRV ${name}` })
    try {
      const records = await bounded(resolver.srv(name))
      dnsAnswers += 1
      // RFC 2782 / RFC 6186 3.4: a target of "." means the service is decidedly not offered.
      if (records.some((r) => r.name === '' || r.name === '.')) {
        notes.push({
          source: 'srv',
          subject: name,
          message: `${name} says this service is not offered (target ".").`,
        })
        step({ kind: 'srv', subject: name, status: 'empty', detail: 'service not offered (target ".")' })
        return
      }
      const found: string[] = []
      for (const r of records.slice(0, MAX_SRV_TARGETS)) {
        const host = normalizeHostName(r.name)
        if (!host || r.port < 1 || r.port > 65535) continue
        found.push(`${host}:${r.port}`)
        candidates.push({
          host,
          port: r.port,
          protocol: service.protocol,
          expected: service.expected,
          source: 'srv',
          sourceDetail: `SRV ${name} → ${host}:${r.port}`,
          priority: r.priority,
          weight: r.weight,
        })
      }
      step({
        kind: 'srv',
        subject: name,
        status: found.length ? 'found' : 'empty',
        detail: found.join(', ') || 'no usable target',
      })
    } catch (error) {
      dnsFailed('srv', name, error)
    }
  }

  const fetchTask = (url: string, source: EndpointSource, kind: 'autoconfig' | 'ispdb') => async () => {
    step({ kind, subject: url, status: 'started', detail: `GET ${url}` })
    try {
      const answer = await httpFetch(url, {
        resolver,
        signal,
        timeoutMs,
        extraCa: options.extraCa ?? null,
        maxBytes: AUTOCONFIG_MAX_BYTES,
      })
      if (answer.status !== 200) {
        if (source === 'autoconfig-https') httpsOutcomes.set(url, `answered HTTP ${answer.status}`)
        step({ kind, subject: url, status: 'empty', detail: `HTTP ${answer.status}` })
        return
      }
      const config = parseAutoconfig(answer.body, who)
      if (source === 'autoconfig-https')
        httpsOutcomes.set(
          url,
          config.servers.length ? 'answered, without this server' : 'answered, naming no mail server',
        )
      const where = answer.redirects.length ? `${url} (redirected to ${answer.url})` : url
      for (const s of config.servers) {
        candidates.push({
          host: s.host,
          port: s.port,
          protocol: s.protocol,
          expected: s.expected,
          source,
          sourceDetail: where,
          trusted: source === 'ispdb' ? answer.url.startsWith('https:') : undefined,
        })
        if (s.socketType === 'plain' && source === 'autoconfig-http') plainListed.add(`${s.host}:${s.port}`)
        if (s.socketType === 'plain')
          notes.push({
            source: kind,
            subject: url,
            message: `${url} lists ${s.protocol.toUpperCase()} at ${s.host}:${s.port} without any TLS (socketType plain).`,
          })
      }
      for (const skipped of config.skipped)
        notes.push({ source: kind, subject: url, message: `Skipped ${skipped}.` })
      step({
        kind,
        subject: url,
        status: config.servers.length ? 'found' : 'empty',
        detail:
          config.servers.map((s) => `${s.protocol} ${s.host}:${s.port} ${s.socketType}`).join(', ') ||
          'no mail servers listed',
      })
    } catch (error) {
      if (signal?.aborted) throw abortError(signal)
      if (source === 'autoconfig-https') httpsOutcomes.set(url, message(error))
      const quiet = error instanceof HttpFetchError && (error.kind === 'dns' || error.kind === 'connect')
      step({ kind, subject: url, status: quiet ? 'empty' : 'failed', detail: message(error) })
      // A missing autoconfig host is normal; a broken file, a bad certificate or a timeout is worth saying.
      if (!quiet || error instanceof AutoconfigError)
        notes.push({ source: kind, subject: url, message: message(error) })
    }
  }

  const tasks: (() => Promise<void>)[] = [
    mxTask,
    ...SRV_SERVICES.map(srvTask),
    ...autoconfigUrls(who).map(({ url, source }) => fetchTask(url, source, 'autoconfig')),
  ]
  if (options.ispdbUrl) tasks.push(fetchTask(ispdbUrlFor(options.ispdbUrl, domain), 'ispdb', 'ispdb'))
  await pool(tasks, DISCOVERY_CONCURRENCY, (task) => task(), signal)
  if (signal?.aborted) throw abortError(signal)

  // The domain does not exist, or DNS never answered: nothing to probe, and the user must know why.
  if (dnsAnswers === 0 && candidates.length === 0 && dnsFailures.length > 0) {
    const first = dnsFailures[0] as DnsError
    return {
      target,
      domain,
      endpoints: [],
      notes,
      mx,
      failure: `DNS did not answer for ${domain}: ${first.message}`,
    }
  }

  const mode = options.guess ?? 'fallback'
  if (mode !== 'never') {
    // As Thunderbird: any configuration found (even over plain HTTP) beats a guess; an MX host is a
    // relay for incoming mail, not a client's server, so it does not count.
    const described = new Set(candidates.filter((c) => c.source !== 'mx').map((c) => c.protocol))
    const wanted = GUESSES.filter((g) => mode === 'always' || !described.has(g.protocol))
    const names = [...new Set(wanted.flatMap((g) => g.prefixes.map((p) => `${p}${domain}`)))]
    const resolves = new Map<string, boolean>()
    await pool(
      names,
      DISCOVERY_CONCURRENCY,
      async (name) => {
        step({ kind: 'guess', subject: name, status: 'started', detail: `A/AAAA ${name}` })
        try {
          const found = await bounded(resolver.addresses(name))
          resolves.set(name, true)
          step({ kind: 'guess', subject: name, status: 'found', detail: found.join(', ') })
        } catch (error) {
          resolves.set(name, false)
          step({
            kind: 'guess',
            subject: name,
            status: dnsEmpty(error) ? 'empty' : 'failed',
            detail: message(error),
          })
        }
      },
      signal,
    )
    if (signal?.aborted) throw abortError(signal)
    for (const g of wanted)
      for (const prefix of g.prefixes) {
        const host = `${prefix}${domain}`
        if (!resolves.get(host)) continue
        for (const port of g.ports)
          candidates.push({
            host,
            port,
            protocol: g.protocol,
            expected: PORT_ROLES[port]?.expected ?? 'unknown',
            source: 'guess',
            sourceDetail: `guessed ${host} (it resolves), as Thunderbird does`,
          })
      }
  }

  const urls = autoconfigUrls(who)
  const https: HttpsAttempt[] = urls.flatMap(({ url, source }) => {
    const outcome = httpsOutcomes.get(url)
    return source === 'autoconfig-https' && outcome ? [{ url, outcome }] : []
  })
  const endpoints = mergeEndpoints(candidates).map((endpoint) => {
    const found = sourceFindings(endpoint, { domain, https, plainListed })
    return found.length ? { ...endpoint, sourceFindings: found } : endpoint
  })
  if (endpoints.length === 0 && domainMissing)
    return {
      target,
      domain,
      endpoints,
      notes,
      mx,
      failure: `${domain} does not exist in DNS (NXDOMAIN); check the spelling of the address or domain.`,
    }
  if (endpoints.length === 0)
    notes.push({ source: 'input', subject: domain, message: `No mail server was found for ${domain}.` })
  return { target, domain, endpoints, notes, mx, failure: null }
}
