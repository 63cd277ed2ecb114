// The pure parts of MTA-STS (RFC 8461): the _mta-sts TXT record, the policy file, and whether an
// MX host matches a policy's mx pattern.
import type { MtaStsPolicy } from '../../../shared/contract/domain-checks.js'
import { MTA_STS_MAX_MX_PATTERNS, MTA_STS_POLICY_MAX_BYTES } from '../limits.js'

/** RFC 8461 3.2: max_age is at most 31557600 seconds (about one year). */
export const MTA_STS_MAX_AGE_MAX = 31_557_600
/** Below a week, a blocked policy fetch soon disables the protection (RFC 8461 10.3 suggests weeks). */
export const MTA_STS_SHORT_MAX_AGE = 604_800

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string }

const FIELD_DELIM = /[ \t]*;[ \t]*/

/** Parses one TXT record `v=STSv1; id=...` (RFC 8461 3.1); returns its id. */
export function parseMtaStsRecord(text: string): Parsed<{ id: string }> {
  const fields = text.split(FIELD_DELIM).filter((f) => f !== '')
  if (fields[0] !== 'v=STSv1') return { ok: false, reason: 'it does not start with v=STSv1' }
  let id: string | null = null
  for (const field of fields.slice(1)) {
    const eq = field.indexOf('=')
    if (eq <= 0) return { ok: false, reason: `"${field}" is not a key=value field` }
    const key = field.slice(0, eq)
    const value = field.slice(eq + 1)
    if (key === 'id') {
      if (id !== null) return { ok: false, reason: 'id appears twice' }
      if (!/^[A-Za-z0-9]{1,32}$/.test(value))
        return { ok: false, reason: `id "${value}" is not 1 to 32 letters or digits` }
      id = value
    } else if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/.test(key)) {
      return { ok: false, reason: `"${key}" is not a valid field name` }
    }
  }
  if (id === null) return { ok: false, reason: 'it has no id' }
  return { ok: true, value: { id } }
}

/** Parses a policy file (RFC 8461 3.2): key: value lines, LF or CRLF. */
export function parseMtaStsPolicy(text: string): Parsed<MtaStsPolicy> {
  if (text.length > MTA_STS_POLICY_MAX_BYTES)
    return { ok: false, reason: `it is larger than ${MTA_STS_POLICY_MAX_BYTES} bytes` }
  let version: string | null = null
  let mode: string | null = null
  let maxAge: string | null = null
  const mx: string[] = []
  const lines = text.split(/\r?\n/)
  for (const [index, line] of lines.entries()) {
    if (line === '') continue
    const colon = line.indexOf(':')
    if (colon <= 0) return { ok: false, reason: `line ${index + 1} is not "key: value"` }
    const key = line.slice(0, colon).trim()
    const value = line.slice(colon + 1).trim()
    // Unknown fields are ignored (extensions); the first of a repeated field counts.
    if (key === 'version') version ??= value
    else if (key === 'mode') mode ??= value
    else if (key === 'max_age') maxAge ??= value
    else if (key === 'mx') {
      if (mx.length >= MTA_STS_MAX_MX_PATTERNS)
        return { ok: false, reason: `more than ${MTA_STS_MAX_MX_PATTERNS} mx lines` }
      mx.push(value.toLowerCase().replace(/\.$/, ''))
    }
  }
  if (version !== 'STSv1')
    return {
      ok: false,
      reason: version === null ? 'there is no version line' : `version "${version}" is not STSv1`,
    }
  if (mode !== 'enforce' && mode !== 'testing' && mode !== 'none')
    return {
      ok: false,
      reason: mode === null ? 'there is no mode line' : `mode "${mode}" is not enforce, testing or none`,
    }
  if (maxAge === null) return { ok: false, reason: 'there is no max_age line' }
  if (!/^\d{1,10}$/.test(maxAge) || Number(maxAge) > MTA_STS_MAX_AGE_MAX)
    return {
      ok: false,
      reason: `max_age "${maxAge}" is not a number of seconds from 0 to ${MTA_STS_MAX_AGE_MAX}`,
    }
  if (mode !== 'none' && mx.length === 0) return { ok: false, reason: 'there is no mx line' }
  const badPattern = mx.find((p) => !/^(\*\.)?([a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}$/.test(p))
  if (badPattern !== undefined)
    return { ok: false, reason: `mx "${badPattern}" is not a host name or *.domain pattern` }
  return { ok: true, value: { version, mode, mx, maxAge: Number(maxAge) } }
}

/**
 * RFC 8461 4.1: a pattern is a host name, or "*." and a domain, where the wildcard stands for
 * exactly one leftmost label ("*.example.com" matches mx1.example.com, not example.com nor a.b.example.com).
 */
export function mxMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '')
  const p = pattern.toLowerCase().replace(/\.$/, '')
  if (!p.startsWith('*.')) return h === p
  const dot = h.indexOf('.')
  return dot > 0 && h.slice(dot + 1) === p.slice(2)
}

/** The first pattern of `patterns` covering `host`, or null. */
export function matchingPattern(host: string, patterns: readonly string[]): string | null {
  return patterns.find((p) => mxMatches(host, p)) ?? null
}
