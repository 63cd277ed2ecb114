// DKIM key records per selector (RFC 6376 3.6.1): one TXT record at SELECTOR._domainkey.DOMAIN,
// parsed by the verifier's own parser (core/dkim/key-record.ts), then judged as a domain owner
// needs: testing mode, revocation, key type and size, several records, and (with the signer's
// private key) whether the published key is its public half.
import type { KeyObject } from 'node:crypto'
import { domainCheckFinding } from '../../../shared/knowledge/domain-check-findings.js'
import { parseKeyRecord } from '../../dkim/key-record.js'
import { parseTagList } from '../../dkim/tag-list.js'
import type { Resolver } from '../../dns/resolver.js'
import { lookupTxt } from '../../dns/txt.js'
import {
  DKIM_RECORD_LARGE_BYTES,
  MAX_SELECTORS,
  MAX_SHOWN_RECORD_CHARS,
  RSA_BROKEN_BELOW_BITS,
  RSA_GOOD_BITS,
  SELECTOR_CONCURRENCY,
} from './limits.js'
import { COMMON_SELECTORS } from './selectors.js'
import { shown } from './shown.js'
import type { DkimCheck, DkimKeyFacts, DkimSelectorResult, Finding } from './types.js'

export interface PrivateKeyToMatch {
  /** The file name, for the report. */
  file: string
  /** The public half of the private key the user gave. */
  publicKey: KeyObject
}

export interface DkimCheckOptions {
  resolver: Resolver
  /** The selectors to check; empty: the common list. */
  selectors?: readonly string[]
  privateKey?: PrivateKeyToMatch
}

/** Is this TXT record meant as a DKIM key at all? (v=DKIM1, or a tag-list with a p= tag.) */
function looksLikeDkim(record: string): boolean {
  if (/^\s*v\s*=\s*DKIM1\b/i.test(record)) return true
  const parsed = parseTagList(record)
  return parsed.ok && parsed.tags.has('p')
}

function sameKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }))
}

/** The findings of one record, which is known to be the only TXT record at its name. */
export function judgeKeyRecord(
  record: string,
  where: { selector: string; name: string; domain: string },
  privateKey?: PrivateKeyToMatch,
): { status: DkimSelectorResult['status']; key: DkimKeyFacts | null; findings: Finding[] } {
  const vars = { ...where, record: shown(record, 200) }
  if (!looksLikeDkim(record)) {
    const parsed = parseTagList(record)
    const reason = parsed.ok ? 'it has no v=DKIM1 and no p= tag' : `it is not a tag list: ${parsed.reason}`
    return {
      status: 'unusable',
      key: null,
      findings: [domainCheckFinding('dkim-record-not-dkim', { ...vars, reason })],
    }
  }
  const parsed = parseKeyRecord(record)
  if (!parsed.ok) {
    if (parsed.revoked)
      return { status: 'revoked', key: null, findings: [domainCheckFinding('dkim-revoked', vars)] }
    // The key itself (p=) is at fault, or the record around it (v=, k=, s=, the tag list).
    const id = /p=|32 bytes/.test(parsed.reason) ? 'dkim-key-invalid' : 'dkim-record-malformed'
    return {
      status: 'unusable',
      key: null,
      findings: [domainCheckFinding(id, { ...vars, reason: parsed.reason })],
    }
  }
  const { key } = parsed
  const facts: DkimKeyFacts = {
    keyType: key.keyType,
    bits: key.bits,
    testing: key.testing,
    strictIdentity: key.strictIdentity,
    hashes: key.hashes,
  }
  const keyVars = { ...vars, keyType: key.keyType === 'rsa' ? 'RSA' : 'Ed25519', bits: key.bits }
  const findings: Finding[] = [domainCheckFinding('dkim-key-found', keyVars)]
  if (key.keyType === 'ed25519') findings.push(domainCheckFinding('dkim-key-ed25519', keyVars))
  else if (key.bits < RSA_BROKEN_BELOW_BITS) findings.push(domainCheckFinding('dkim-key-broken', keyVars))
  else if (key.bits < RSA_GOOD_BITS) findings.push(domainCheckFinding('dkim-key-weak', keyVars))
  else if (key.bits > RSA_GOOD_BITS || Buffer.byteLength(record) > DKIM_RECORD_LARGE_BYTES)
    findings.push(domainCheckFinding('dkim-key-large', { ...keyVars, bytes: Buffer.byteLength(record) }))
  if (key.testing) findings.push(domainCheckFinding('dkim-testing', keyVars))
  if (key.strictIdentity) findings.push(domainCheckFinding('dkim-strict-identity', keyVars))
  if (key.hashes && !key.hashes.includes('sha256'))
    findings.push(domainCheckFinding('dkim-hash-sha1-only', keyVars))
  if (privateKey) {
    facts.matchesPrivateKey = sameKey(key.key, privateKey.publicKey)
    findings.push(
      domainCheckFinding(facts.matchesPrivateKey ? 'dkim-private-key-match' : 'dkim-private-key-mismatch', {
        ...keyVars,
        file: privateKey.file,
      }),
    )
  }
  return { status: 'key', key: facts, findings }
}

async function checkSelector(
  resolver: Resolver,
  domain: string,
  selector: string,
  source: string | null,
  privateKey?: PrivateKeyToMatch,
): Promise<DkimSelectorResult> {
  const name = `${selector}._domainkey.${domain}`
  const base = { selector, name, source, records: [] as string[], key: null }
  const answer = await lookupTxt(resolver, name)
  if (answer.status === 'failed')
    return {
      ...base,
      status: 'failed',
      findings: [domainCheckFinding('check-dns-failed', { name, reason: answer.reason })],
    }
  if (answer.status === 'absent') {
    const reason = answer.kind === 'not-found' ? 'the name does not exist' : 'the name has no TXT record'
    // A selector from the common list that is absent is no problem; one the user named is.
    const findings =
      source === null ? [domainCheckFinding('dkim-selector-missing', { selector, name, reason })] : []
    return { ...base, status: 'absent', findings }
  }
  const records = answer.records.map((r) => shown(r, MAX_SHOWN_RECORD_CHARS))
  if (answer.records.length > 1)
    return {
      ...base,
      records,
      status: 'unusable',
      findings: [
        domainCheckFinding('dkim-record-multiple', { selector, name, count: answer.records.length }),
      ],
    }
  const judged = judgeKeyRecord(answer.records[0] as string, { selector, name, domain }, privateKey)
  return { ...base, records, ...judged }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      out[index] = await work(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

export async function checkDkimRecords(domain: string, options: DkimCheckOptions): Promise<DkimCheck> {
  const given = [...new Set((options.selectors ?? []).map((s) => s.toLowerCase()))].slice(0, MAX_SELECTORS)
  const candidates: { selector: string; source: string | null }[] =
    given.length > 0
      ? given.map((selector) => ({ selector, source: null }))
      : COMMON_SELECTORS.map((c) => ({ selector: c.selector, source: c.source }))
  const results = await mapLimited(candidates, SELECTOR_CONCURRENCY, (c) =>
    checkSelector(options.resolver, domain, c.selector, c.source, options.privateKey),
  )
  const shownResults = results.filter((r) => r.source === null || r.status !== 'absent')
  const findings = shownResults.flatMap((r) => r.findings)
  if (given.length === 0 && shownResults.length === 0)
    findings.push(
      domainCheckFinding('dkim-no-selector-found', {
        domain,
        count: candidates.length,
        selectors: candidates.map((c) => c.selector).join(', '),
      }),
    )
  return { selectorsTried: candidates.length, selectors: shownResults, findings }
}
