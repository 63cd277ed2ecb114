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

function lastLabel(domain: string): string {
  return domain.slice(domain.lastIndexOf('.') + 1)
}

const BY_LIST = { fallback: null, of: organizationalDomainByList }

/**
 * The Organizational Domains of From and of the signing domains that may align with it relaxed.
 * An Organizational Domain is a suffix of its name, so a d= that ends in another top label than
 * From can never align: it is not walked (an ESP's signature costs no queries).
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
    ? [...new Set(signingDomains.map(clean))].filter(
        (d) => d !== from && d !== '' && lastLabel(d) === lastLabel(from),
      )
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
  if (d === '' || lastLabel(d) !== lastLabel(f)) return 'none'
  return organizational.of(d) === organizational.of(f) ? 'relaxed' : 'none'
}
