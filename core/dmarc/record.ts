// DMARC records (RFC 9989 4.7, which replaced RFC 7489): "v=DMARC1" first, then tags. The tag list
// is the RFC 6376 one the DKIM verifier parses (core/dkim/tag-list.ts), with a lenient reading of a
// record that breaks it (as most receivers read it); values are checked here.
// pct=, rf= and ri= were removed by RFC 9989 and are reported as such, unknown tags are ignored.
import { parseTagList } from '../dkim/tag-list.js'
import { DMARC_MAX_RECORD_CHARS } from './limits.js'

export type DmarcParse =
  | {
      ok: true
      tags: Record<string, string>
      invalid: { tag: string; value: string; allowed: string; fallback: string }[]
      /** The record breaks the tag-list grammar: strict receivers ignore it (see lenientTags). */
      grammarError?: string
    }
  | { ok: false; reason: string }

export const POLICIES = ['none', 'quarantine', 'reject'] as const
export type Policy = (typeof POLICIES)[number]

/** Tags whose values are a closed set: what is allowed, and what receivers use instead of a bad one. */
const ENUMS: Record<string, { allowed: readonly string[]; fallback: string }> = {
  p: { allowed: POLICIES, fallback: 'none, when rua= is given' },
  sp: { allowed: POLICIES, fallback: 'p=' },
  np: { allowed: POLICIES, fallback: 'sp=, else p=' },
  psd: { allowed: ['y', 'n', 'u'], fallback: 'u' },
  t: { allowed: ['y', 'n'], fallback: 'n' },
  adkim: { allowed: ['r', 's'], fallback: 'r' },
  aspf: { allowed: ['r', 's'], fallback: 'r' },
}

export const REMOVED_TAGS: Record<string, { what: string; fix: string }> = {
  pct: {
    what: 'the share of failing mail the policy applies to',
    fix: 'Remove pct=; to try a stricter policy gently, use t=y (one step less) instead.',
  },
  rf: { what: 'the failure report format', fix: 'Remove rf=; failure reports have one format now.' },
  ri: {
    what: 'the aggregate report interval',
    fix: 'Remove ri=; receivers send aggregate reports once a day.',
  },
}

/** Whether a TXT record is meant as DMARC (it starts with v=DMARC1; RFC 9989 4.10 discards others). */
export function isDmarcRecord(text: string): boolean {
  return /^v\s*=\s*DMARC1\s*(?:;|$)/i.test(text)
}

/**
 * Receivers differ on a record that breaks the tag-list grammar (";;", a duplicate tag, a part
 * without "="): strict ones ignore the record, most read past the error (empty parts skipped, the
 * last of a duplicated tag wins). This reads it the lenient way, to say what most receivers apply.
 */
function lenientTags(record: string): Map<string, string> {
  const tags = new Map<string, string>()
  for (const part of record.split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim())
  }
  return tags
}

export function parseDmarcRecord(record: string): DmarcParse {
  if (record.length > DMARC_MAX_RECORD_CHARS)
    return { ok: false, reason: `the record is longer than ${DMARC_MAX_RECORD_CHARS} characters` }
  const strict = parseTagList(record)
  const raw = strict.ok
    ? new Map([...strict.tags].map(([name, tag]) => [name.toLowerCase(), tag.value]))
    : lenientTags(record)
  const first = raw.keys().next().value
  if (first !== 'v' || raw.get('v')?.toUpperCase() !== 'DMARC1')
    return { ok: false, reason: 'it does not start with v=DMARC1' }
  const tags: Record<string, string> = {}
  const invalid: { tag: string; value: string; allowed: string; fallback: string }[] = []
  for (const [key, rawValue] of raw) {
    const rule = ENUMS[key]
    const value = rule ? rawValue.toLowerCase() : rawValue
    if (rule && !rule.allowed.includes(value)) {
      invalid.push({ tag: key, value: rawValue, allowed: rule.allowed.join(', '), fallback: rule.fallback })
      continue
    }
    if (key === 'fo' && !/^[01ds](?::[01ds])*$/i.test(value.replace(/\s+/g, '')))
      invalid.push({ tag: 'fo', value, allowed: '0, 1, d, s (separated by colons)', fallback: '0' })
    tags[key] = value
  }
  return strict.ok
    ? { ok: true, tags, invalid }
    : { ok: true, tags, invalid, grammarError: `it is not a valid tag list: ${strict.reason}` }
}

/** The report URIs of rua= or ruf= (comma-separated; RFC 9989 allows only mailto: to be used). */
export function reportUris(value: string | undefined): { uri: string; address: string | null }[] {
  if (!value) return []
  return value
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '')
    .map((uri) => {
      const m = /^mailto:([^@\s,!]+)@([A-Za-z0-9.-]+\.[A-Za-z0-9-]+)(?:!\d+[kmgt]?)?$/i.exec(uri)
      return { uri, address: m ? `${m[1]}@${(m[2] as string).toLowerCase()}` : null }
    })
}

export function policyRank(policy: string | undefined): number {
  return POLICIES.indexOf((policy ?? 'none') as Policy)
}
