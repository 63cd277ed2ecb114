// The DMARC DNS Tree Walk (RFC 9989 4.10): ask _dmarc.NAME for the domain, then for each parent
// (a name of 8 or more labels is first cut to its last 7), stopping at a record with psd=y or
// psd=n or at the top: at most 8 queries. A name counts as having a record when it has exactly
// one TXT record starting with v=DMARC1 that parses. The Organizational Domain (4.10.2) is the
// name of a psd=n record, else the name one label below a psd=y record, else the shortest name
// with a record, else the domain itself.
import type { Resolver } from '../dns/resolver.js'
import { lookupTxt } from '../dns/txt.js'
import { DMARC_WALK_MAX_LABELS, DMARC_WALK_MAX_QUERIES } from './limits.js'
import { isDmarcRecord, parseDmarcRecord } from './record.js'

export interface WalkEntry {
  domain: string
  record: string
  tags: Record<string, string>
  /** Tags with values outside their set (receivers use the default). */
  invalid: { tag: string; value: string; allowed: string; fallback: string }[]
}

export interface WalkAnswer {
  /** Records found, longest name first. */
  found: WalkEntry[]
  /** The _dmarc names asked, in order. */
  queried: string[]
  /** What the domain's own name held: none, several records, one malformed (used only by lenient
   * receivers when it still reads as DMARC), or one good record. */
  own:
    | { status: 'none' }
    | { status: 'multiple'; count: number }
    | { status: 'malformed'; record: string; reason: string }
    | { status: 'record' }
  /** A lookup failed: the walk stopped there. */
  failure: { name: string; reason: string } | null
}

export async function treeWalk(domain: string, resolver: Resolver): Promise<WalkAnswer> {
  const answer: WalkAnswer = { found: [], queried: [], own: { status: 'none' }, failure: null }
  let labels = domain.split('.')
  while (labels.length > 0 && answer.queried.length < DMARC_WALK_MAX_QUERIES) {
    const name = labels.join('.')
    const qname = `_dmarc.${name}`
    answer.queried.push(qname)
    const txt = await lookupTxt(resolver, qname)
    if (txt.status === 'failed') {
      answer.failure = { name: qname, reason: txt.reason }
      return answer
    }
    const records = txt.status === 'found' ? txt.records.filter(isDmarcRecord) : []
    const parsed = records.length === 1 ? parseDmarcRecord(records[0] as string) : null
    if (name === domain) {
      if (records.length > 1) answer.own = { status: 'multiple', count: records.length }
      else if (parsed && !parsed.ok)
        answer.own = { status: 'malformed', record: records[0] as string, reason: parsed.reason }
      else if (parsed?.ok && parsed.grammarError)
        answer.own = { status: 'malformed', record: records[0] as string, reason: parsed.grammarError }
      else if (parsed?.ok) answer.own = { status: 'record' }
    }
    if (parsed?.ok) {
      answer.found.push({
        domain: name,
        record: records[0] as string,
        tags: parsed.tags,
        invalid: parsed.invalid,
      })
      if (parsed.tags.psd === 'y' || parsed.tags.psd === 'n') break
    }
    labels = labels.length > DMARC_WALK_MAX_LABELS ? labels.slice(-DMARC_WALK_MAX_LABELS) : labels.slice(1)
  }
  return answer
}

/** RFC 9989 4.10.2: the Organizational Domain of `domain` from a completed walk. */
export function organizationalDomain(domain: string, found: readonly WalkEntry[]): string {
  for (const entry of found) {
    if (entry.tags.psd === 'n') return entry.domain
    if (entry.tags.psd === 'y' && entry.domain !== domain) {
      const keep = entry.domain.split('.').length + 1
      return domain.split('.').slice(-keep).join('.')
    }
  }
  return found.length > 0 ? (found[found.length - 1] as WalkEntry).domain : domain
}

/** The record whose policy applies (RFC 9989 4.10.1): the domain's own, the org domain's, or a PSD's. */
export function applicableRecord(domain: string, found: readonly WalkEntry[]): WalkEntry | null {
  if (found[0]?.domain === domain) return found[0]
  const org = organizationalDomain(domain, found)
  const last = found[found.length - 1]
  return found.find((e) => e.domain === org) ?? (last?.tags.psd === 'y' ? last : null)
}
