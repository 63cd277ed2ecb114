// From a parsed target to the endpoints to probe. For an address or a domain, in parallel and
// bounded: MX, the SRV records of RFC 6186/8314, the domain's autoconfig files (HTTPS, then the
// plain-HTTP variants Thunderbird still accepts, marked untrusted), the ISP database; then, for
// each protocol that no SRV record or file described, the host names Thunderbird guesses (only
// names that resolve, marked untrusted). Each endpoint keeps its source and whether that source
// deserves trust.
import type { MailProtocol } from '../../../shared/contract/mail.js'
import type {
  DiscoveredEndpoint,
  DiscoveryNote,
  DiscoveryStep,
  EndpointSource,
  ExpectedSecurity,
} from '../../../shared/contract/probe-target.js'
import { DnsError, type MxRecord, type Resolver } from '../../dns/resolver.js'
import { HttpFetchError, httpFetch } from '../../net/http-fetch.js'
import { abortError, untilAborted } from '../../runs/abortable.js'
import { pool } from '../schedule.js'
import { AutoconfigError, type Identity, parseAutoconfig } from './autoconfig.js'
import {
  AUTOCONFIG_MAX_BYTES,
  DISCOVERY_CONCURRENCY,
  DISCOVERY_STEP_TIMEOUT_MS,
  MAX_MX_HOSTS,
  MAX_SRV_TARGETS,
} from './limits.js'
import { type Candidate, mergeEndpoints } from './merge.js'
import { type HttpsAttempt, sourceFindings } from './source-findings.js'
import { normalizeHostName, type ParsedTarget, PORT_ROLES } from './target.js'

export { mergeEndpoints, SOURCE_RANK } from './merge.js'

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
  const { signal } = options
  if (signal?.aborted) throw abortError(signal)
  if (target.kind !== 'address' && target.kind !== 'domain')
    return { target, domain: null, endpoints: userEndpoints(target), notes: [], mx: [], failure: null }
  const run = new DomainDiscovery(target, options)
  await run.lookUp()
  const failure = run.dnsFailure()
  if (failure) return failure
  await run.guess()
  return run.result()
}

/** The discovery for one mail domain: what each step found, and the phases that find it. */
class DomainDiscovery {
  readonly #target: ParsedTarget
  readonly #options: DiscoverOptions
  readonly #domain: string
  readonly #who: Identity
  readonly #timeoutMs: number
  readonly #candidates: Candidate[] = []
  readonly #notes: DiscoveryNote[] = []
  readonly #dnsFailures: DnsError[] = []
  // For the plain-HTTP findings: what each HTTPS file attempt came to, and the servers a plain-HTTP
  // file listed without TLS.
  readonly #httpsOutcomes = new Map<string, string>()
  readonly #plainListed = new Set<string>()
  #dnsAnswers = 0
  #domainMissing = false
  #mx: MxRecord[] = []

  constructor(target: ParsedTarget & { kind: 'address' | 'domain' }, options: DiscoverOptions) {
    this.#target = target
    this.#options = options
    const domain = target.domain
    this.#domain = domain
    this.#who =
      target.kind === 'address'
        ? { address: target.address, localPart: target.localPart, domain }
        : { address: null, localPart: null, domain }
    this.#timeoutMs = options.timeoutMs ?? DISCOVERY_STEP_TIMEOUT_MS
  }

  #step(s: DiscoveryStep): void {
    this.#options.onStep?.(s)
  }

  /** Resolver calls carry no signal; a cancelled run stops waiting for them here. */
  #bounded<T>(work: Promise<T>): Promise<T> {
    return untilAborted(work, this.#options.signal)
  }

  /** MX, the SRV records, the autoconfig files and the ISP database, in parallel and bounded. */
  async lookUp(): Promise<void> {
    const options = this.#options
    const ispdbUrl = options.ispdbUrl
    const tasks: (() => Promise<void>)[] = [
      () => this.#lookUpMx(),
      ...SRV_SERVICES.map((service) => () => this.#lookUpSrv(service)),
      ...autoconfigUrls(this.#who).map(
        ({ url, source }) =>
          () =>
            this.#fetchConfig(url, source, 'autoconfig'),
      ),
    ]
    if (ispdbUrl) tasks.push(() => this.#fetchConfig(ispdbUrlFor(ispdbUrl, this.#domain), 'ispdb', 'ispdb'))
    await pool(tasks, DISCOVERY_CONCURRENCY, (task) => task(), options.signal)
    if (options.signal?.aborted) throw abortError(options.signal)
  }

  /** The domain does not exist, or DNS never answered: nothing to probe, and the user must know why. */
  dnsFailure(): DiscoveryResult | null {
    if (this.#dnsAnswers === 0 && this.#candidates.length === 0 && this.#dnsFailures.length > 0) {
      const first = this.#dnsFailures[0] as DnsError
      return {
        target: this.#target,
        domain: this.#domain,
        endpoints: [],
        notes: this.#notes,
        mx: this.#mx,
        failure: `DNS did not answer for ${this.#domain}: ${first.message}`,
      }
    }
    return null
  }

  #dnsFailed(kind: DiscoveryStep['kind'], subject: string, error: unknown): void {
    if (kind === 'mx' && error instanceof DnsError && error.kind === 'not-found') this.#domainMissing = true
    if (dnsEmpty(error)) {
      this.#dnsAnswers += 1
      this.#step({ kind, subject, status: 'empty', detail: message(error) })
      return
    }
    if (error instanceof DnsError) this.#dnsFailures.push(error)
    this.#step({ kind, subject, status: 'failed', detail: message(error) })
    this.#notes.push({ source: kind === 'mx' ? 'mx' : 'srv', subject, message: message(error) })
  }

  async #lookUpMx(): Promise<void> {
    const domain = this.#domain
    this.#step({ kind: 'mx', subject: domain, status: 'started', detail: `MX ${domain}` })
    try {
      const records = await this.#bounded(this.#options.resolver.mx(domain))
      this.#dnsAnswers += 1
      this.#mx = records
      const real = records.filter((r) => r.exchange !== '' && r.exchange !== '.')
      if (real.length === 0) {
        this.#notes.push({
          source: 'mx',
          subject: domain,
          message: `${domain} publishes a null MX (RFC 7505): it accepts no mail.`,
        })
        this.#step({
          kind: 'mx',
          subject: domain,
          status: 'empty',
          detail: 'null MX: the domain accepts no mail',
        })
        return
      }
      for (const r of real.slice(0, MAX_MX_HOSTS)) {
        const host = normalizeHostName(r.exchange)
        if (!host) continue
        this.#candidates.push({
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
        this.#notes.push({
          source: 'mx',
          subject: domain,
          message: `${real.length} MX hosts; the first ${MAX_MX_HOSTS} are probed.`,
        })
      this.#step({
        kind: 'mx',
        subject: domain,
        status: 'found',
        detail: real.map((r) => `${r.priority} ${r.exchange}`).join(', '),
      })
    } catch (error) {
      this.#dnsFailed('mx', domain, error)
    }
  }

  async #lookUpSrv(service: (typeof SRV_SERVICES)[number]): Promise<void> {
    const name = `${service.label}.${this.#domain}`
    this.#step({ kind: 'srv', subject: name, status: 'started', detail: `SRV ${name}` })
    try {
      const records = await this.#bounded(this.#options.resolver.srv(name))
      this.#dnsAnswers += 1
      // RFC 2782 / RFC 6186 3.4: a target of "." means the service is decidedly not offered.
      if (records.some((r) => r.name === '' || r.name === '.')) {
        this.#notes.push({
          source: 'srv',
          subject: name,
          message: `${name} says this service is not offered (target ".").`,
        })
        this.#step({
          kind: 'srv',
          subject: name,
          status: 'empty',
          detail: 'service not offered (target ".")',
        })
        return
      }
      const found: string[] = []
      for (const r of records.slice(0, MAX_SRV_TARGETS)) {
        const host = normalizeHostName(r.name)
        if (!host || r.port < 1 || r.port > 65535) continue
        found.push(`${host}:${r.port}`)
        this.#candidates.push({
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
      this.#step({
        kind: 'srv',
        subject: name,
        status: found.length ? 'found' : 'empty',
        detail: found.join(', ') || 'no usable target',
      })
    } catch (error) {
      this.#dnsFailed('srv', name, error)
    }
  }

  /** One autoconfig file or ISP database answer: its servers become candidates. */
  async #fetchConfig(url: string, source: EndpointSource, kind: 'autoconfig' | 'ispdb'): Promise<void> {
    const { signal } = this.#options
    this.#step({ kind, subject: url, status: 'started', detail: `GET ${url}` })
    try {
      const answer = await httpFetch(url, {
        resolver: this.#options.resolver,
        signal,
        timeoutMs: this.#timeoutMs,
        extraCa: this.#options.extraCa ?? null,
        maxBytes: AUTOCONFIG_MAX_BYTES,
      })
      if (answer.status !== 200) {
        if (source === 'autoconfig-https') this.#httpsOutcomes.set(url, `answered HTTP ${answer.status}`)
        this.#step({ kind, subject: url, status: 'empty', detail: `HTTP ${answer.status}` })
        return
      }
      const config = parseAutoconfig(answer.body, this.#who)
      if (source === 'autoconfig-https')
        this.#httpsOutcomes.set(
          url,
          config.servers.length ? 'answered, without this server' : 'answered, naming no mail server',
        )
      const where = answer.redirects.length ? `${url} (redirected to ${answer.url})` : url
      for (const s of config.servers) {
        this.#candidates.push({
          host: s.host,
          port: s.port,
          protocol: s.protocol,
          expected: s.expected,
          source,
          sourceDetail: where,
          trusted: source === 'ispdb' ? answer.url.startsWith('https:') : undefined,
        })
        if (s.socketType === 'plain' && source === 'autoconfig-http')
          this.#plainListed.add(`${s.host}:${s.port}`)
        if (s.socketType === 'plain')
          this.#notes.push({
            source: kind,
            subject: url,
            message: `${url} lists ${s.protocol.toUpperCase()} at ${s.host}:${s.port} without any TLS (socketType plain).`,
          })
      }
      for (const skipped of config.skipped)
        this.#notes.push({ source: kind, subject: url, message: `Skipped ${skipped}.` })
      this.#step({
        kind,
        subject: url,
        status: config.servers.length ? 'found' : 'empty',
        detail:
          config.servers.map((s) => `${s.protocol} ${s.host}:${s.port} ${s.socketType}`).join(', ') ||
          'no mail servers listed',
      })
    } catch (error) {
      if (signal?.aborted) throw abortError(signal)
      if (source === 'autoconfig-https') this.#httpsOutcomes.set(url, message(error))
      const quiet = error instanceof HttpFetchError && (error.kind === 'dns' || error.kind === 'connect')
      this.#step({ kind, subject: url, status: quiet ? 'empty' : 'failed', detail: message(error) })
      // A missing autoconfig host is normal; a broken file, a bad certificate or a timeout is worth saying.
      if (!quiet || error instanceof AutoconfigError)
        this.#notes.push({ source: kind, subject: url, message: message(error) })
    }
  }

  /** The host names Thunderbird guesses, for the protocols nothing described (only names that resolve). */
  async guess(): Promise<void> {
    const { signal } = this.#options
    const domain = this.#domain
    const mode = this.#options.guess ?? 'fallback'
    if (mode === 'never') return
    // As Thunderbird: any configuration found (even over plain HTTP) beats a guess; an MX host is a
    // relay for incoming mail, not a client's server, so it does not count.
    const described = new Set(this.#candidates.filter((c) => c.source !== 'mx').map((c) => c.protocol))
    const wanted = GUESSES.filter((g) => mode === 'always' || !described.has(g.protocol))
    const names = [...new Set(wanted.flatMap((g) => g.prefixes.map((p) => `${p}${domain}`)))]
    const resolves = new Map<string, boolean>()
    await pool(
      names,
      DISCOVERY_CONCURRENCY,
      async (name) => {
        resolves.set(name, await this.#resolves(name))
      },
      signal,
    )
    if (signal?.aborted) throw abortError(signal)
    for (const g of wanted)
      for (const prefix of g.prefixes) {
        const host = `${prefix}${domain}`
        if (!resolves.get(host)) continue
        for (const port of g.ports)
          this.#candidates.push({
            host,
            port,
            protocol: g.protocol,
            expected: PORT_ROLES[port]?.expected ?? 'unknown',
            source: 'guess',
            sourceDetail: `guessed ${host} (it resolves), as Thunderbird does`,
          })
      }
  }

  async #resolves(name: string): Promise<boolean> {
    this.#step({ kind: 'guess', subject: name, status: 'started', detail: `A/AAAA ${name}` })
    try {
      const found = await this.#bounded(this.#options.resolver.addresses(name))
      this.#step({ kind: 'guess', subject: name, status: 'found', detail: found.join(', ') })
      return true
    } catch (error) {
      this.#step({
        kind: 'guess',
        subject: name,
        status: dnsEmpty(error) ? 'empty' : 'failed',
        detail: message(error),
      })
      return false
    }
  }

  /** The merged endpoints, each with what its source means for trust; or why there are none. */
  result(): DiscoveryResult {
    const domain = this.#domain
    const target = this.#target
    const notes = this.#notes
    const mx = this.#mx
    const urls = autoconfigUrls(this.#who)
    const https: HttpsAttempt[] = urls.flatMap(({ url, source }) => {
      const outcome = this.#httpsOutcomes.get(url)
      return source === 'autoconfig-https' && outcome ? [{ url, outcome }] : []
    })
    const plainListed = this.#plainListed
    const endpoints = mergeEndpoints(this.#candidates).map((endpoint) => {
      const found = sourceFindings(endpoint, { domain, https, plainListed })
      return found.length ? { ...endpoint, sourceFindings: found } : endpoint
    })
    if (endpoints.length === 0 && this.#domainMissing)
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
}
