// What discovery holds against where an endpoint came from. An autoconfig file fetched over plain
// HTTP is what Thunderbird falls back to when HTTPS fails, and anyone on the path can write it: the
// servers it names get the user's password. So an endpoint found only there is a finding, bad when
// the file points outside the address's domain or sets up a server without TLS (what a forged file
// would do), a warning otherwise; the detail says which HTTPS attempts failed and how.
import type { DiscoveredEndpoint, SourceFinding } from '../../../shared/contract/probe-target.js'
import { probeFinding } from '../../../shared/knowledge/probe-findings.js'

/** One HTTPS autoconfig URL tried, and what came of it in words ("HTTP 404", the fetch's error). */
export interface HttpsAttempt {
  url: string
  outcome: string
}

export interface SourceFacts {
  /** The address's mail domain. */
  domain: string
  /** The HTTPS autoconfig URLs tried before the plain-HTTP ones, in order. */
  https: readonly HttpsAttempt[]
  /** host:port (lower case) of every server a plain-HTTP file listed with socketType plain. */
  plainListed: ReadonlySet<string>
}

/** The host is the domain or one of its subdomains (names are already normalized, lower case). */
export function inDomain(host: string, domain: string): boolean {
  const h = host.toLowerCase()
  const d = domain.toLowerCase()
  return h === d || h.endsWith(`.${d}`)
}

/** "Could not connect to https://… (ECONNREFUSED)": the URL named once, no full stop of its own. */
export function attemptWords(attempt: HttpsAttempt): string {
  const text = attempt.outcome.trim().replace(/\.+$/, '')
  return text.includes(attempt.url) ? text : `${attempt.url}: ${text}`
}

function httpsSentence(attempts: readonly HttpsAttempt[]): string {
  if (attempts.length === 0) return ''
  return ` Over HTTPS: ${attempts.map(attemptWords).join('; ')}.`
}

/** The findings for one merged endpoint: none unless its best source is a plain-HTTP file. */
export function sourceFindings(endpoint: DiscoveredEndpoint, facts: SourceFacts): SourceFinding[] {
  if (endpoint.source !== 'autoconfig-http') return []
  const seen = `Fetched from ${endpoint.sourceDetail}.${httpsSentence(facts.https)}`
  const found: SourceFinding[] = []
  if (!inDomain(endpoint.host, facts.domain))
    found.push(
      probeFinding(
        'autoconfig-over-http-other-domain',
        `${endpoint.host} is not in ${facts.domain}. ${seen}`,
      ),
    )
  if (facts.plainListed.has(`${endpoint.host.toLowerCase()}:${endpoint.port}`))
    found.push(probeFinding('autoconfig-over-http-no-tls', seen))
  if (found.length === 0) found.push(probeFinding('autoconfig-over-http', seen))
  return found
}
