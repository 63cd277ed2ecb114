// Several sources may name the same server: one endpoint per host:port, from the most trustworthy
// source, the others listed as confirmations; in an order that does not depend on timing.
import type { MailProtocol } from '../../../shared/contract/mail.js'
import type {
  DiscoveredEndpoint,
  EndpointSource,
  ExpectedSecurity,
} from '../../../shared/contract/probe-target.js'

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

export interface Candidate {
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
