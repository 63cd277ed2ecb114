// DANE for SMTP (RFC 7672): for each MX host, the TLSA records at _25._tcp.HOST asked with DNSSEC
// OK through the given resolver, trusted only when it sets the AD bit; then the certificate chain
// the host presents after STARTTLS on port 25, matched against them: DANE-EE (3) against the leaf
// (no name or date check, 3.1.1), DANE-TA (2) against a certificate the server sent in its chain,
// which must then lead to the leaf and the leaf must name the MX host (3.2.2, 3.2.3).
import type { X509Certificate } from 'node:crypto'
import { type DaneFinding, daneFinding } from '../../../shared/knowledge/dane-findings.js'
import { checkHostname, peerChain, verifyChain } from '../../net/certificate.js'
import { connectStartTls } from '../../net/starttls.js'
import { DNS_RCODE, DNS_TYPE, type DnsAnswer, ipv4Addresses, queryDnssec } from './dane-dns.js'
import { formatTlsa, knownParameters, parseTlsaRdata, type TlsaRecord, tlsaMatchesCert } from './tlsa.js'

export const DEFAULT_DANE_TIMEOUT_MS = 5_000
/** A domain lists a handful of MX hosts; more is not a mail setup, and each costs a connection. */
export const MAX_DANE_HOSTS = 10

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

export interface DaneHostResult {
  host: string
  /** The resolver validated the TLSA answer (AD bit). */
  validated: boolean
  /** TLSA records found, presentation form. */
  tlsa: string[]
  /** Subjects of the chain the host sent after STARTTLS, leaf first (empty when not fetched). */
  chain: string[]
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
            reason: `${formatTlsa(record).slice(0, 80)} has selector ${record.selector} / matching type ${record.matchingType}, which RFC 6698 does not define`,
          }),
        )
      records.push(record)
    } catch (error) {
      findings.push(daneFinding('dane-tlsa-unusable', { host, reason: reasonOf(error) }))
    }
  }
  return records
}

/** The usable records' verdict against the chain the server sent (leaf first). */
export function matchChain(
  host: string,
  usable: readonly TlsaRecord[],
  chain: readonly X509Certificate[],
): DaneFinding {
  const leaf = chain[0]
  const all = usable.map(formatTlsa).join(', ')
  if (!leaf)
    return daneFinding('dane-mismatch', { host, records: all, reason: 'the server sent no certificate' })
  const ee = usable.find((r) => r.usage === 3 && tlsaMatchesCert(r, leaf.raw))
  if (ee)
    return daneFinding('dane-match', {
      host,
      record: formatTlsa(ee),
      how: `DANE-EE: ${ee.selector === 1 ? 'the public key' : 'the whole certificate'} of the server; names and dates do not matter for usage 3`,
    })
  for (const ta of usable.filter((r) => r.usage === 2)) {
    const anchor = chain.slice(1).find((c) => tlsaMatchesCert(ta, c.raw))
    if (!anchor) continue
    const trust = verifyChain([...chain], [anchor])
    if (!trust.trusted)
      return daneFinding('dane-mismatch', {
        host,
        records: all,
        reason: `the chain to the anchor does not verify: ${trust.problem}`,
      })
    const name = checkHostname(host, leaf)
    if (!name.matches)
      return daneFinding('dane-ta-name', { host, record: formatTlsa(ta), reason: name.explanation })
    return daneFinding('dane-match', {
      host,
      record: formatTlsa(ta),
      how: `DANE-TA: the chain leads to the anchor ${anchor.subject.replaceAll('\n', ', ')} and the certificate names ${host}`,
    })
  }
  const taOnly = usable.every((r) => r.usage === 2)
  const reason =
    taOnly && chain.length === 1
      ? 'the server sent only its own certificate, and a usage-2 record must match a CA certificate the server sends in its chain (RFC 7672 3.2.2)'
      : `the server's ${chain.length === 1 ? 'certificate' : `chain of ${chain.length} certificates`} (${leaf.subject.replaceAll('\n', ', ')}) matches none of them`
  return daneFinding('dane-mismatch', { host, records: all, reason })
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

async function checkHost(host: string, ask: Ask, o: DaneOptions): Promise<DaneHostResult> {
  const name = `_${o.port ?? 25}._tcp.${host}`
  const result: DaneHostResult = { host, validated: false, tlsa: [], chain: [], findings: [] }
  const failed = (reason: string) =>
    result.findings.push(daneFinding('dane-dns-failed', { host, name, resolver: o.resolver, reason }))
  let answer: DnsAnswer
  try {
    answer = await ask(name, DNS_TYPE.TLSA)
  } catch (error) {
    failed(reasonOf(error))
    return result
  }
  if (answer.rcode !== DNS_RCODE.NOERROR && answer.rcode !== DNS_RCODE.NXDOMAIN) {
    failed(`the resolver answered ${RCODE_WORDS[answer.rcode] ?? `rcode ${answer.rcode}`}`)
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
    result.findings.push(
      daneFinding('dane-usage-unusual', { host, usage: r.usage, record: formatTlsa(r).slice(0, 120) }),
    )
  const usable = records.filter((r) => (r.usage === 2 || r.usage === 3) && knownParameters(r))
  if (usable.length === 0) return result
  // RFC 7672 2.2.2: the address records must be validated too, or senders ignore the TLSA records.
  let addresses: DnsAnswer
  try {
    addresses = await ask(host, DNS_TYPE.A)
  } catch (error) {
    failed(reasonOf(error))
    return result
  }
  const address = ipv4Addresses(addresses)[0]
  if (!address) {
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
  let chain: X509Certificate[]
  try {
    chain = await fetchChain(host, address, o)
  } catch (error) {
    result.findings.push(daneFinding('dane-starttls-failed', { host, reason: reasonOf(error) }))
    return result
  }
  result.chain = chain.map((c) => c.subject.replaceAll('\n', ', '))
  result.findings.push(matchChain(host, usable, chain))
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
