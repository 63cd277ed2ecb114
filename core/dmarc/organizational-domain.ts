// The Organizational Domain of a name, one implementation for the domain check's DMARC part and
// the DKIM verifier's "aligned with From": the RFC 9989 DNS Tree Walk (tree-walk.ts) when DNS may
// be asked, else the Public Suffix List (RFC 7489's method, through tldts, private domains
// included) — as when keys come from a key file and nothing may be asked of DNS. A walk that fails
// (a DNS error) falls back to the list, and says so.
import { getDomain } from 'tldts'
import type { Resolver } from '../dns/resolver.js'
import { MAX_CACHED_ORGANIZATIONAL_DOMAINS } from './limits.js'
import { organizationalDomain, treeWalk } from './tree-walk.js'

export type OrganizationalDomainBasis = 'dns-tree-walk' | 'public-suffix-list'

export interface OrganizationalDomainAnswer {
  domain: string
  basis: OrganizationalDomainBasis
  /** Why the list answered although DNS may be asked (the walk's DNS failure). */
  fallback?: string
}

function clean(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, '')
}

/** The Organizational Domain by the Public Suffix List (no DNS), private domains included. */
export function organizationalDomainByList(domain: string): string {
  const name = clean(domain)
  return getDomain(name, { allowPrivateDomains: true }) ?? name
}

/** The Organizational Domain by the RFC 9989 DNS Tree Walk (at most 8 queries); the list when it fails. */
export async function organizationalDomainByWalk(
  domain: string,
  resolver: Resolver,
): Promise<OrganizationalDomainAnswer> {
  const name = clean(domain)
  const walk = await treeWalk(name, resolver)
  if (walk.failure)
    return {
      domain: organizationalDomainByList(name),
      basis: 'public-suffix-list',
      fallback: `the DMARC tree walk failed at ${walk.failure.name}: ${walk.failure.reason}`,
    }
  return { domain: organizationalDomain(name, walk.found), basis: 'dns-tree-walk' }
}

export type OrganizationalDomainLookup = (domain: string) => Promise<OrganizationalDomainAnswer>

/**
 * One walk per domain per run: concurrent callers share the answer's promise. Past
 * MAX_CACHED_ORGANIZATIONAL_DOMAINS names the oldest is forgotten (walked again if asked again).
 */
export function cachedOrganizationalDomains(lookup: OrganizationalDomainLookup): OrganizationalDomainLookup {
  const cache = new Map<string, Promise<OrganizationalDomainAnswer>>()
  return (domain) => {
    const key = clean(domain)
    let answer = cache.get(key)
    if (!answer) {
      answer = lookup(key)
      if (cache.size >= MAX_CACHED_ORGANIZATIONAL_DOMAINS) {
        const oldest = cache.keys().next().value
        if (oldest !== undefined) cache.delete(oldest)
      }
      cache.set(key, answer)
    }
    return answer
  }
}
