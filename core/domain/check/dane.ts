// DANE for SMTP (RFC 7672): for each MX host, its addresses (following a CNAME, 2.2.2) and the
// TLSA records at _25._tcp of the CNAME-expanded name, else of the MX name, asked with DNSSEC OK
// through the given resolver and trusted only when it sets the AD bit; then the certificate chain
// each address (up to MAX_DANE_ADDRESSES) presents after STARTTLS on port 25, matched against them
// (dane-match.ts).
import type { X509Certificate } from 'node:crypto'
import { type DaneFinding, daneFinding } from '../../../shared/knowledge/dane-findings.js'
import { peerChain } from '../../net/certificate.js'
import { connectStartTls } from '../../net/starttls.js'
import { DNS_RCODE, DNS_TYPE, type DnsAnswer, ipv4Addresses, queryDnssec } from './dane-dns.js'
import { type ChainVerdict, chainVerdict, type DaneAuth } from './dane-match.js'
import { briefTlsa, formatTlsa, knownParameters, parseTlsaRdata, type TlsaRecord } from './tlsa.js'

export { matchChain } from './dane-match.js'

export const DEFAULT_DANE_TIMEOUT_MS = 5_000
/** A domain lists a handful of MX hosts; more is not a mail setup, and each costs a connection. */
export const MAX_DANE_HOSTS = 10
/** Senders try every address of an MX host (2.2); we check this many of each, one connection each. */
export const MAX_DANE_ADDRESSES = 4

export interface DaneOptions {
  /** "IP[:PORT]" of a DNSSEC-validating resolver. */
  resolver: string
  /** Per DNS question and per connection. */
  timeoutMs?: number
  /** When given, its MX RRset is checked for validation too (RFC 7672 2.2.1). */
  domain?: string
  /** SMTP port; 25 unless a test says otherwise. */
  port?: number
  signal?: AbortSignal
}

/** What one address of the host presented and what the TLSA records say of it. */
export interface DaneAddressResult {
  address: string
  /** Subjects of the chain sent after STARTTLS, leaf first (empty when the session failed). */
  chain: string[]
  /** dane-match, dane-mismatch, dane-ta-name or dane-starttls-failed. */
  outcome: DaneFinding['id']
  /** How this address was authenticated (null: it was not). */
  auth: DaneAuth
}

export interface DaneHostResult {
  host: string
  /** The resolver validated the TLSA answer (AD bit). */
  validated: boolean
  /** Where the TLSA records were found: the CNAME-expanded name or the MX name (2.2.2). */
  tlsaBase: string
  /** The host name is an alias of this (validated) name; null when it is no alias. */
  cname: string | null
  /** TLSA records found, presentation form. */
  tlsa: string[]
  /** Subjects of the chain the first address sent after STARTTLS, leaf first (empty when not fetched). */
  chain: string[]
  /** Each address checked (at most MAX_DANE_ADDRESSES, the lowest first). */
  addresses: DaneAddressResult[]
  /** Addresses beyond the cap, not checked. */
  addressesNotChecked: string[]
  /** How every checked address was authenticated: dane-ee only when all matched a usage-3 record. */
  auth: DaneAuth
  findings: DaneFinding[]
}

export interface DaneReport {
  resolver: string
  domain?: string
  /** Whether the domain's MX RRset was validated; undefined when no domain was given. */
  mxValidated?: boolean
  hosts: DaneHostResult[]
  findings: DaneFinding[]
}

const RCODE_WORDS: Record<number, string> = { 2: 'SERVFAIL', 3: 'NXDOMAIN', 5: 'REFUSED' }

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

type Ask = (name: string, type: number) => Promise<DnsAnswer>

function parseRecords(host: string, answer: DnsAnswer, findings: DaneFinding[]): TlsaRecord[] {
  const records: TlsaRecord[] = []
  for (const rdata of answer.records) {
    try {
      const record = parseTlsaRdata(rdata)
      if (!knownParameters(record))
        findings.push(
          daneFinding('dane-tlsa-unusable', {
            host,
            reason: `${briefTlsa(record).slice(0, 80)} has selector ${record.selector} / matching type ${record.matchingType}, which RFC 6698 does not define`,
          }),
        )
      records.push(record)
    } catch (error) {
      findings.push(daneFinding('dane-tlsa-unusable', { host, reason: reasonOf(error) }))
    }
  }
  return records
}

async function fetchChain(host: string, address: string, o: DaneOptions): Promise<X509Certificate[]> {
  const conn = await connectStartTls({ host, port: o.port ?? 25, address }, 'smtp', {
    // Facts, not trust: DANE decides, not the system's CAs.
    rejectUnauthorized: false,
    timeoutMs: o.timeoutMs ?? DEFAULT_DANE_TIMEOUT_MS,
    signal: o.signal,
  })
  try {
    return peerChain(conn.tls)
  } finally {
    conn.tls.destroy()
  }
}

const answered = (a: DnsAnswer) => a.rcode === DNS_RCODE.NOERROR || a.rcode === DNS_RCODE.NXDOMAIN

/**
 * The TLSA RRset senders use (2.2.2): at the CNAME-expanded name when the address lookup followed a
 * validated CNAME chain and that name has TLSA records, else at the MX name.
 */
async function findTlsa(
  host: string,
  addresses: DnsAnswer | null,
  ask: Ask,
  port: number,
): Promise<{ base: string; answer: DnsAnswer }> {
  const expanded = addresses?.ad && addresses.canonical ? addresses.canonical : null
  if (expanded) {
    const answer = await ask(`_${port}._tcp.${expanded}`, DNS_TYPE.TLSA)
    if (!answered(answer) || answer.records.length > 0) return { base: expanded, answer }
  }
  return { base: host, answer: await ask(`_${port}._tcp.${host}`, DNS_TYPE.TLSA) }
}

/** Each address's chain against the records, at once; one finding if all agree, else one per address. */
async function checkAddresses(
  result: DaneHostResult,
  addresses: readonly string[],
  usable: readonly TlsaRecord[],
  o: DaneOptions,
): Promise<void> {
  const { host } = result
  const names = [...new Set([result.tlsaBase, host])]
  const checked = await Promise.all(
    addresses.map(async (address) => {
      const label = addresses.length > 1 ? `${host} at ${address}` : host
      try {
        const chain = await fetchChain(host, address, o)
        return {
          address,
          chain,
          verdict: chainVerdict(label, usable, chain, names),
          plain: chainVerdict(host, usable, chain, names),
        }
      } catch (error) {
        const failed = (h: string): ChainVerdict => ({
          finding: daneFinding('dane-starttls-failed', { host: h, reason: reasonOf(error) }),
          auth: null,
        })
        return { address, chain: [] as X509Certificate[], verdict: failed(label), plain: failed(host) }
      }
    }),
  )
  result.addresses = checked.map((c) => ({
    address: c.address,
    chain: c.chain.map((x) => x.subject.replaceAll('\n', ', ')),
    outcome: c.verdict.finding.id,
    auth: c.verdict.auth,
  }))
  result.chain = result.addresses[0]?.chain ?? []
  const auths = new Set(checked.map((c) => c.verdict.auth))
  result.auth = auths.has(null) ? null : auths.has('dane-ta') ? 'dane-ta' : 'dane-ee'
  const first = checked[0]
  if (first && checked.every((c) => c.plain.finding.detail === first.plain.finding.detail))
    result.findings.push(first.plain.finding)
  else {
    // A dead address beside one that authenticates: senders move on to the next address (RFC 7672
    // 2.2), so the mail still goes, later; a warning, not mail that stays queued.
    const someWork = checked.some((c) => c.verdict.auth !== null)
    result.findings.push(
      ...checked.map((c) =>
        someWork && c.verdict.finding.id === 'dane-starttls-failed'
          ? { ...c.verdict.finding, severity: 'warn' as const }
          : c.verdict.finding,
      ),
    )
  }
}

function compareIPv4(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0)
  return 0
}

function emptyResult(host: string): DaneHostResult {
  return {
    host,
    validated: false,
    tlsaBase: host,
    cname: null,
    tlsa: [],
    chain: [],
    addresses: [],
    addressesNotChecked: [],
    auth: null,
    findings: [],
  }
}

async function checkHost(host: string, ask: Ask, o: DaneOptions): Promise<DaneHostResult> {
  const port = o.port ?? 25
  const result = emptyResult(host)
  const failed = (name: string, reason: string) =>
    result.findings.push(daneFinding('dane-dns-failed', { host, name, resolver: o.resolver, reason }))
  // The addresses first: a validated CNAME chain moves the TLSA base domain (2.2.2).
  let addresses: DnsAnswer | null = null
  let addressError = ''
  try {
    addresses = await ask(host, DNS_TYPE.A)
  } catch (error) {
    addressError = reasonOf(error)
  }
  if (addresses?.ad && addresses.canonical) result.cname = addresses.canonical
  let found: { base: string; answer: DnsAnswer }
  try {
    found = await findTlsa(host, addresses, ask, port)
  } catch (error) {
    failed(`_${port}._tcp.${host}`, reasonOf(error))
    return result
  }
  const { base, answer } = found
  const name = `_${port}._tcp.${base}`
  result.tlsaBase = base
  if (!answered(answer)) {
    failed(name, `the resolver answered ${RCODE_WORDS[answer.rcode] ?? `rcode ${answer.rcode}`}`)
    return result
  }
  result.validated = answer.ad
  const records = parseRecords(host, answer, result.findings)
  result.tlsa = records.map(formatTlsa)
  if (answer.records.length === 0) {
    result.findings.push(daneFinding('dane-none', { host }))
    return result
  }
  if (!answer.ad) {
    result.findings.push(daneFinding('dane-not-validated', { host, name, resolver: o.resolver }))
    return result
  }
  for (const r of records.filter((r) => r.usage === 0 || r.usage === 1))
    result.findings.push(daneFinding('dane-usage-unusual', { host, usage: r.usage, record: briefTlsa(r) }))
  const usable = records.filter((r) => (r.usage === 2 || r.usage === 3) && knownParameters(r))
  if (usable.length === 0) return result
  // RFC 7672 2.2.2: the address records must be validated too, or senders ignore the TLSA records.
  if (!addresses) {
    failed(host, addressError)
    return result
  }
  if (!answered(addresses)) {
    failed(host, `the resolver answered ${RCODE_WORDS[addresses.rcode] ?? `rcode ${addresses.rcode}`}`)
    return result
  }
  const all = ipv4Addresses(addresses)
  if (all.length === 0) {
    result.findings.push(
      daneFinding('dane-starttls-failed', { host, reason: `${host} has no IPv4 address in DNS` }),
    )
    return result
  }
  if (!addresses.ad) {
    result.validated = false
    result.findings.push(daneFinding('dane-not-validated', { host, name: host, resolver: o.resolver }))
    return result
  }
  // In address order, not the resolver's rotating order: the same report on every run.
  all.sort(compareIPv4)
  result.addressesNotChecked = all.slice(MAX_DANE_ADDRESSES)
  await checkAddresses(result, all.slice(0, MAX_DANE_ADDRESSES), usable, o)
  return result
}

/** DANE of each MX host (and of the domain's MX RRset when `domain` is given); bounded per host. */
export async function checkDane(mxHosts: readonly string[], options: DaneOptions): Promise<DaneReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DANE_TIMEOUT_MS
  const ask: Ask = (name, type) => queryDnssec(options.resolver, name, type, timeoutMs)
  const report: DaneReport = { resolver: options.resolver, domain: options.domain, hosts: [], findings: [] }
  if (options.domain) {
    try {
      const mx = await ask(options.domain, DNS_TYPE.MX)
      report.mxValidated = mx.ad
      if (!mx.ad)
        report.findings.push(
          daneFinding('dane-mx-unsigned', { domain: options.domain, resolver: options.resolver }),
        )
    } catch (error) {
      report.findings.push(
        daneFinding('dane-dns-failed', {
          host: options.domain,
          name: options.domain,
          resolver: options.resolver,
          reason: reasonOf(error),
        }),
      )
    }
  }
  const hosts = [...new Set(mxHosts.map((h) => h.toLowerCase().replace(/\.$/, '')))].slice(0, MAX_DANE_HOSTS)
  report.hosts = await Promise.all(hosts.map((host) => checkHost(host, ask, options)))
  // An unsigned domain without any TLSA record simply has no DANE: a note, not a warning (the
  // warning stays for TLSA records senders ignore because the MX records are not validated).
  const unsigned = report.findings.findIndex((f) => f.id === 'dane-mx-unsigned')
  if (unsigned >= 0 && options.domain && report.hosts.every((h) => h.tlsa.length === 0))
    report.findings[unsigned] = daneFinding('dane-unsigned-none', {
      domain: options.domain,
      resolver: options.resolver,
    })
  report.findings.push(...report.hosts.flatMap((h) => h.findings))
  return report
}
