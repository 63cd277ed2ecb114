// The one resolver every job uses: the system's, or a DNS server the user names (--dns HOST[:PORT]
// or the dnsServer setting). Connections to a named host go through addresses() so that a lab or
// split-horizon resolver is honoured for A/AAAA too, not only for MX/SRV/TXT.
import { Resolver as DnsResolver, lookup } from 'node:dns/promises'
import { isIP } from 'node:net'

/** A resolver that hangs would stall a probe or a DKIM key fetch; the user's timeout is shorter. */
export const DEFAULT_DNS_TIMEOUT_MS = 5_000
/** A huge answer (thousands of MX or TXT strings) must not become thousands of connections or MBs. */
export const MAX_RECORDS_PER_ANSWER = 64
/** TXT records for DKIM keys or MTA-STS are small; a bigger one is hostile (RFC 6376 keys ~ 1 KB). */
export const MAX_TXT_RECORD_BYTES = 16 * 1024

export type DnsFailure = 'not-found' | 'no-data' | 'timeout' | 'refused' | 'server-failure' | 'malformed'

/** A lookup that did not give an answer, with the reason in words and a stable kind. */
export class DnsError extends Error {
  readonly kind: DnsFailure
  readonly name_: string
  constructor(kind: DnsFailure, queried: string, message: string) {
    super(message)
    this.name = 'DnsError'
    this.kind = kind
    this.name_ = queried
  }
  /** RFC 8601 "temperror" material: the answer may come next time. */
  get temporary(): boolean {
    return this.kind === 'timeout' || this.kind === 'refused' || this.kind === 'server-failure'
  }
}

export interface MxRecord {
  exchange: string
  priority: number
}
export interface SrvRecord {
  name: string
  port: number
  priority: number
  weight: number
}

export interface Resolver {
  /** Where answers come from, for reports: "system resolver" or "DNS server 127.0.10.53:53". */
  readonly description: string
  /** IPv4 and IPv6 addresses for a host name; an IP literal is returned as is. */
  addresses(host: string): Promise<string[]>
  mx(domain: string): Promise<MxRecord[]>
  srv(name: string): Promise<SrvRecord[]>
  /** Each TXT record with its strings joined (RFC 7208 3.3 / RFC 6376 3.6.2.2 semantics). */
  txt(name: string): Promise<string[]>
  /**
   * The target of `name` when it is an alias (CNAME), no-data when it is not. Optional so that the
   * small test resolvers need not carry it; a caller without it says the alias check was not made.
   */
  cname?(name: string): Promise<string[]>
}

export interface ResolverOptions {
  /** "IP[:PORT]" or "[IPv6]:PORT"; null or absent: the system's resolver. */
  server?: string | null
  timeoutMs?: number
}

function classify(error: unknown, name: string): DnsError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOTFOUND':
      return new DnsError('not-found', name, `${name} does not exist in DNS (NXDOMAIN).`)
    case 'ENODATA':
      return new DnsError('no-data', name, `${name} exists but has no record of that type.`)
    case 'ETIMEOUT':
    case 'ETIMEDOUT':
      return new DnsError('timeout', name, `The DNS server did not answer for ${name} in time.`)
    case 'EREFUSED':
      return new DnsError('refused', name, `The DNS server refused to answer for ${name}.`)
    case 'EBADRESP':
    case 'EFORMERR':
    case 'EBADNAME':
      return new DnsError('malformed', name, `The DNS answer for ${name} was malformed.`)
    default:
      return new DnsError(
        'server-failure',
        name,
        `The DNS lookup of ${name} failed (${code ?? (error instanceof Error ? error.message : String(error))}).`,
      )
  }
}

/** Splits "1.2.3.4:53" / "[::1]:53" / "1.2.3.4" into what node:dns setServers takes. */
export function serverForNode(server: string): string {
  return server
}

async function withTimeout<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DnsError('timeout', name, `The DNS server did not answer for ${name} in time.`)),
      ms,
    )
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

export function createResolver(options: ResolverOptions = {}): Resolver {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS
  // c-ares' own timeout is per try; two tries within our deadline.
  const dns = new DnsResolver({ timeout: Math.max(500, Math.floor(timeoutMs / 2)), tries: 2 })
  if (options.server) dns.setServers([serverForNode(options.server)])
  const named = Boolean(options.server)

  const ask = async <T>(name: string, query: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(query(), timeoutMs, name)
    } catch (error) {
      if (error instanceof DnsError) throw error
      throw classify(error, name)
    }
  }

  return {
    description: named ? `DNS server ${options.server}` : 'system resolver',
    async addresses(host) {
      if (isIP(host)) return [host]
      if (!named) {
        const found = await ask(host, () => lookup(host, { all: true }))
        return found.slice(0, MAX_RECORDS_PER_ANSWER).map((entry) => entry.address)
      }
      const [v4, v6] = await Promise.allSettled([
        ask(host, () => dns.resolve4(host)),
        ask(host, () => dns.resolve6(host)),
      ])
      const out = [
        ...(v4.status === 'fulfilled' ? v4.value : []),
        ...(v6.status === 'fulfilled' ? v6.value : []),
      ]
      if (out.length === 0) throw v4.status === 'rejected' ? v4.reason : classify({ code: 'ENODATA' }, host)
      return out.slice(0, MAX_RECORDS_PER_ANSWER)
    },
    async mx(domain) {
      const records = await ask(domain, () => dns.resolveMx(domain))
      return records
        .slice(0, MAX_RECORDS_PER_ANSWER)
        .sort((a, b) => a.priority - b.priority)
        .map((r) => ({ exchange: r.exchange, priority: r.priority }))
    },
    async srv(name) {
      const records = await ask(name, () => dns.resolveSrv(name))
      return records
        .slice(0, MAX_RECORDS_PER_ANSWER)
        .sort((a, b) => a.priority - b.priority || b.weight - a.weight)
    },
    async cname(name) {
      const targets = await ask(name, () => dns.resolveCname(name))
      return targets.slice(0, MAX_RECORDS_PER_ANSWER)
    },
    async txt(name) {
      const records = await ask(name, () => dns.resolveTxt(name))
      const joined = records.slice(0, MAX_RECORDS_PER_ANSWER).map((strings) => strings.join(''))
      if (joined.some((text) => text.length > MAX_TXT_RECORD_BYTES))
        throw new DnsError(
          'malformed',
          name,
          `A TXT record of ${name} is larger than ${MAX_TXT_RECORD_BYTES} bytes.`,
        )
      return joined
    },
  }
}
