// The SPF check (RFC 7208): exactly one record; its syntax; the 10 DNS-lookup limit counted through
// include, redirect, a, mx, ptr and exists across every record the chain reaches, with the limit
// of two void lookups (names that answer nothing); +all, ?all, no all, ptr; include loops.
// The count is the worst case (every term evaluated), as receivers would for a sender that matches
// nothing: the limit applies to that mail, and it is the forged mail SPF is for.
// Macros (RFC 7208 7) are expanded for an example sender (postmaster@ the domain, from 192.0.2.1, HELO
// the domain): names built from the sender's address or local part differ per message, but each such
// term is still one lookup, so the count holds for every sender.
import { domainCheckFinding } from '../../../shared/knowledge/domain-check-findings.js'
import { DnsError, type Resolver } from '../../dns/resolver.js'
import { lookupTxt } from '../../dns/txt.js'
import {
  MAX_SHOWN_RECORD_CHARS,
  SPF_MAX_DNS_LOOKUPS,
  SPF_MAX_MX_NAMES,
  SPF_MAX_VOID_LOOKUPS,
  SPF_MAX_WALK_LOOKUPS,
} from './limits.js'
import { shown } from './shown.js'
import { EXAMPLE_SENDER_IP, exampleSender, expandMacros, macroLetters } from './spf-macros.js'
import { hasMacro, isSpfRecord, parseSpfRecord, type SpfTerm } from './spf-parse.js'
import type { Finding, SpfCheck, SpfLookup, SpfResult } from './types.js'

interface Walk {
  resolver: Resolver
  lookups: SpfLookup[]
  findings: Finding[]
  /** The include/redirect chain being evaluated, for loop detection and the report. */
  chain: string[]
  voidNames: string[]
  /** Set when the walk hit SPF_MAX_WALK_LOOKUPS and stopped following. */
  cut: boolean
  /** The checked domain: the example sender's domain (%{o}) and HELO name (%{h}). */
  top: string
  /** Terms whose macros depend on the sender, with the name they gave for the example sender. */
  senderMacros: string[]
}

/** Macro letters whose value comes from the sender (its address, local part, IP, reverse DNS). */
const SENDER_LETTERS = ['s', 'l', 'i', 'p', 'v']

/** The domain a domain-spec names for the example sender (the spec itself when it has no macro). */
function targetOf(walk: Walk, text: string, spec: string, current: string): string | null {
  if (!hasMacro(spec)) return spec
  const expanded = expandMacros(spec, {
    sender: exampleSender(walk.top),
    ip: EXAMPLE_SENDER_IP,
    domain: current,
    helo: walk.top,
  })
  if (!expanded.ok) {
    walk.findings.push(
      domainCheckFinding('spf-syntax', { domain: current, reason: `"${text}": ${expanded.reason}` }),
    )
    return null
  }
  const letters = macroLetters(spec)
  if (SENDER_LETTERS.some((l) => letters.has(l)) && walk.senderMacros.length < 10)
    walk.senderMacros.push(`${text} → ${expanded.value}`)
  return expanded.value
}

type SpfRecordAnswer = { record: string } | { missing: string } | { failed: true }

/** The one SPF record of a domain; several or a failed lookup become findings. */
async function spfRecordOf(walk: Walk, domain: string): Promise<SpfRecordAnswer> {
  const answer = await lookupTxt(walk.resolver, domain)
  if (answer.status === 'failed') {
    walk.findings.push(domainCheckFinding('check-dns-failed', { name: domain, reason: answer.reason }))
    return { failed: true }
  }
  const records = answer.status === 'found' ? answer.records.filter(isSpfRecord) : []
  if (records.length === 0)
    return {
      missing:
        answer.status === 'absent' && answer.kind === 'not-found'
          ? 'the domain does not exist'
          : 'no v=spf1 record',
    }
  if (records.length > 1) {
    walk.findings.push(domainCheckFinding('spf-multiple', { domain, count: records.length }))
    return { failed: true }
  }
  return { record: records[0] as string }
}

/** One DNS-querying term counted; void when the answer is empty. Returns false past the hard cap. */
function count(walk: Walk, term: string, domain: string, isVoid: boolean): boolean {
  walk.lookups.push({ term, domain, void: isVoid })
  if (isVoid) walk.voidNames.push(domain)
  if (walk.lookups.length >= SPF_MAX_WALK_LOOKUPS) walk.cut = true
  return !walk.cut
}

async function answersNothing(query: () => Promise<unknown[]>): Promise<boolean> {
  try {
    return (await query()).length === 0
  } catch (error) {
    if (error instanceof DnsError && (error.kind === 'not-found' || error.kind === 'no-data')) return true
    return false // a failure is not void (RFC 7208 4.6.4 counts empty answers only)
  }
}

async function addressTerm(
  walk: Walk,
  term: SpfTerm & { kind: 'mechanism' },
  current: string,
): Promise<void> {
  const target = targetOf(walk, term.text, term.domain ?? current, current)
  if (target === null) return
  if (term.name === 'a' || term.name === 'exists') {
    count(walk, term.text, target, await answersNothing(() => walk.resolver.addresses(target)))
    return
  }
  if (term.name === 'ptr') {
    count(walk, term.text, target, false) // depends on the sender's address: not evaluated here
    return
  }
  // mx: one lookup for the MX set, then addresses of at most 10 hosts (not counted, RFC 7208 4.6.4).
  let hosts: string[] = []
  let isVoid = false
  try {
    hosts = (await walk.resolver.mx(target)).map((m) => m.exchange)
    isVoid = hosts.length === 0
  } catch (error) {
    isVoid = error instanceof DnsError && (error.kind === 'not-found' || error.kind === 'no-data')
  }
  count(walk, term.text, target, isVoid)
  for (const host of hosts.slice(0, SPF_MAX_MX_NAMES))
    if (await answersNothing(() => walk.resolver.addresses(host))) walk.voidNames.push(host)
}

/** Follows one include: or redirect= to its record; returns the all that ends that record. */
async function follow(walk: Walk, text: string, spec: string, current: string): Promise<string | null> {
  const target = targetOf(walk, text, spec, current)
  if (target === null) return null
  if (walk.chain.includes(target.toLowerCase())) {
    count(walk, text, target, false)
    walk.findings.push(domainCheckFinding('spf-include-loop', { path: [...walk.chain, target].join(' → ') }))
    return null
  }
  const answer = await spfRecordOf(walk, target)
  if (!count(walk, text, target, 'missing' in answer)) return null
  if ('missing' in answer) {
    walk.findings.push(
      domainCheckFinding('spf-include-missing', { term: text, target: `${target} (${answer.missing})` }),
    )
    return null
  }
  return 'record' in answer ? await walkRecord(walk, target, answer.record) : null
}

/** Counts the lookups of one record and what it reaches; returns the all that ends it (or null). */
async function walkRecord(walk: Walk, domain: string, record: string): Promise<string | null> {
  const parsed = parseSpfRecord(record)
  if (!parsed.ok) {
    walk.findings.push(
      domainCheckFinding('spf-syntax', { domain, reason: `"${shown(record, 200)}": ${parsed.reason}` }),
    )
    return null
  }
  walk.chain.push(domain.toLowerCase())
  try {
    for (const term of parsed.terms) {
      if (walk.cut) return null
      if (term.kind === 'modifier') continue
      if (term.name === 'include' && term.domain) await follow(walk, term.text, term.domain, domain)
      else if (term.name === 'a' || term.name === 'mx' || term.name === 'ptr' || term.name === 'exists')
        await addressTerm(walk, term, domain)
    }
    // RFC 7208 6.1: redirect= is used only when no mechanism matched, and ignored when all is present.
    const all = parsed.terms.find((t) => t.kind === 'mechanism' && t.name === 'all')
    if (all?.kind === 'mechanism') return `${all.qualifier}all`
    const redirect = parsed.terms.find((t) => t.kind === 'modifier' && t.name === 'redirect')
    if (redirect?.kind === 'modifier' && !walk.cut)
      return await follow(walk, redirect.text, redirect.value, domain)
    return null
  } finally {
    walk.chain.pop()
  }
}

/** Findings about the top record's own terms: how it ends, and ptr. */
function judgeTerms(terms: SpfTerm[], findings: Finding[]): string | null {
  const all = terms.find((t) => t.kind === 'mechanism' && t.name === 'all')
  const redirect = terms.some((t) => t.kind === 'modifier' && t.name === 'redirect')
  for (const t of terms) {
    if (t.kind === 'mechanism' && t.name === 'ptr')
      findings.push(domainCheckFinding('spf-ptr', { term: t.text }))
    const spec = t.kind === 'mechanism' ? t.domain : t.name === 'redirect' ? t.value : null
    if (spec && macroLetters(spec).has('p'))
      findings.push(domainCheckFinding('spf-macro-ptr', { term: t.text }))
  }
  if (all?.kind === 'mechanism') {
    if (all.qualifier === '+') findings.push(domainCheckFinding('spf-pass-all', { term: all.text }))
    if (all.qualifier === '?') findings.push(domainCheckFinding('spf-neutral-all', { term: all.text }))
    return `${all.qualifier}all`
  }
  if (!redirect) findings.push(domainCheckFinding('spf-no-all', {}))
  return null
}

const PERMANENT_ERRORS = new Set<string>([
  'spf-multiple',
  'spf-syntax',
  'spf-too-many-lookups',
  'spf-void-lookups',
  'spf-include-missing',
  'spf-include-loop',
])
const ALL_RESULT: Record<string, SpfResult> = {
  '+all': 'pass',
  '-all': 'fail',
  '~all': 'softfail',
  '?all': 'neutral',
}

/** RFC 7208 2.6 result for a server not listed (every term evaluated, nothing matched). */
function unlistedResult(check: SpfCheck, finalAll: string | null): SpfResult {
  if (check.findings.some((f) => PERMANENT_ERRORS.has(f.id))) return 'permerror'
  if (check.findings.some((f) => f.id === 'check-dns-failed')) return 'temperror'
  if (check.record === null) return 'none'
  // finalAll: the all that ends evaluation, through redirect= (RFC 7208 6.1); none: neutral.
  return finalAll === null ? 'neutral' : (ALL_RESULT[finalAll] ?? 'neutral')
}

export async function checkSpf(domain: string, options: { resolver: Resolver }): Promise<SpfCheck> {
  const walk: Walk = {
    resolver: options.resolver,
    lookups: [],
    findings: [],
    chain: [],
    voidNames: [],
    cut: false,
    top: domain,
    senderMacros: [],
  }
  const result: SpfCheck = {
    record: null,
    lookups: walk.lookups,
    voidLookups: 0,
    all: null,
    unlistedResult: 'none',
    findings: walk.findings,
  }
  const top = await spfRecordOf(walk, domain)
  if ('missing' in top) walk.findings.push(domainCheckFinding('spf-absent', { domain }))
  if (!('record' in top)) {
    result.unlistedResult = unlistedResult(result, null)
    return result
  }
  result.record = shown(top.record, MAX_SHOWN_RECORD_CHARS)
  const parsed = parseSpfRecord(top.record)
  if (parsed.ok) result.all = judgeTerms(parsed.terms, walk.findings)
  const finalAll = await walkRecord(walk, domain, top.record)
  result.voidLookups = walk.voidNames.length
  if (walk.lookups.length > SPF_MAX_DNS_LOOKUPS) {
    const path = walk.lookups.map((l) => l.term).join(', ')
    walk.findings.push(
      domainCheckFinding('spf-too-many-lookups', {
        count: walk.cut ? `${walk.lookups.length}+` : walk.lookups.length,
        path: shown(path, 600),
      }),
    )
  }
  if (walk.voidNames.length > SPF_MAX_VOID_LOOKUPS)
    walk.findings.push(
      domainCheckFinding('spf-void-lookups', {
        count: walk.voidNames.length,
        names: walk.voidNames.slice(0, 10).join(', '),
      }),
    )
  if (walk.senderMacros.length > 0)
    walk.findings.push(
      domainCheckFinding('spf-macro-sender', {
        domain,
        sender: exampleSender(domain),
        ip: EXAMPLE_SENDER_IP,
        terms: shown(walk.senderMacros.join('; '), 600),
      }),
    )
  result.unlistedResult = unlistedResult(result, finalAll)
  if (parsed.ok && !walk.findings.some((f) => f.severity === 'bad'))
    walk.findings.unshift(
      domainCheckFinding('spf-present', {
        domain,
        record: shown(top.record, 300),
        lookups: walk.lookups.length,
      }),
    )
  return result
}
