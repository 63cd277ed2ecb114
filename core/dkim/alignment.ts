// DMARC alignment of each signature with From (RFC 9989 4.4.1): strict when d= is the From domain,
// relaxed when both have the same Organizational Domain. That domain comes from core/dmarc, the
// one implementation the domain check uses too: the RFC 9989 DNS Tree Walk when the key source
// may ask DNS (its organizationalDomain, cached per run), else the Public Suffix List (a key
// file: nothing may be asked of DNS).
import type { DkimReport } from '../../shared/contract/dkim.js'
import { organizationalDomainByList } from '../dmarc/organizational-domain.js'
import type { KeySource } from './key-sources.js'

export type Alignment = 'strict' | 'relaxed' | 'none'

/** The Organizational Domains one message's alignment is judged with, and how they were found. */
export interface OrganizationalDomains {
  basis: DkimReport['alignmentBasis']
  /** The walk's DNS failure when the list answered instead (null when it did not fail). */
  fallback: string | null
  of(domain: string): string
}

function clean(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, '')
}

/** How many labels the two names end in together ("a.example.com", "b.example.com": 2). */
function sharedLabels(a: string, b: string): number {
  const x = a.split('.').reverse()
  const y = b.split('.').reverse()
  let n = 0
  while (n < x.length && n < y.length && x[n] === y[n]) n++
  return n
}

/**
 * An Organizational Domain is a suffix of its name, so two names can align relaxed only when they
 * end in the same name; a top-level domain is taken as no organization (a TLD publishing a DMARC
 * record without psd=y is not a case worth a walk for every .com signer of a .com From).
 */
function mayAlignRelaxed(d: string, f: string): boolean {
  return d !== '' && d !== f && sharedLabels(d, f) >= 2
}

const BY_LIST = { fallback: null, of: organizationalDomainByList }

/**
 * The Organizational Domains of From and of the signing domains that may align with it relaxed
 * (mayAlignRelaxed): the others are not walked, so an ESP's signature costs no query.
 */
export async function organizationalDomainsFor(
  signingDomains: readonly string[],
  fromDomain: string | null,
  keys: KeySource,
): Promise<OrganizationalDomains> {
  const walk = keys.organizationalDomain?.bind(keys)
  if (!walk) return { basis: 'public-suffix-list', ...BY_LIST }
  const from = fromDomain ? clean(fromDomain) : null
  const candidates = from
    ? [...new Set(signingDomains.map(clean))].filter((d) => mayAlignRelaxed(d, from))
    : []
  if (!from || candidates.length === 0) return { basis: 'dns-tree-walk', ...BY_LIST }
  const names = [from, ...candidates]
  const answers = await Promise.all(names.map((name) => walk(name)))
  const failed = answers.find((a) => a.basis !== 'dns-tree-walk')
  // One basis for the whole message: comparing a walked name with a listed one would mix methods.
  if (failed)
    return {
      basis: 'public-suffix-list',
      fallback: failed.fallback ?? 'the walk did not answer',
      of: organizationalDomainByList,
    }
  const found = new Map(names.map((name, i) => [name, answers[i]?.domain ?? name]))
  return {
    basis: 'dns-tree-walk',
    fallback: null,
    of: (domain) => found.get(clean(domain)) ?? organizationalDomainByList(domain),
  }
}

export function alignmentOf(
  signingDomain: string,
  fromDomain: string | null,
  organizational: OrganizationalDomains,
): Alignment {
  if (!fromDomain) return 'none'
  const d = clean(signingDomain)
  const f = clean(fromDomain)
  if (d === f) return 'strict'
  if (!mayAlignRelaxed(d, f)) return 'none'
  return organizational.of(d) === organizational.of(f) ? 'relaxed' : 'none'
}
