// The DNS side of a DKIM key: the record's name, and its TXT value in the two forms people paste:
// zone-file (one record of several quoted strings, each at most 255 bytes, RFC 1035 3.3.14) and
// the one long string that provider panels want (they split it themselves).

/** A TXT character-string holds at most this many bytes. */
export const TXT_STRING_MAX = 255

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i

/** Why a domain name is unusable here, or null. Letters, digits and hyphens only (IDNs as xn--). */
export function domainProblem(domain: string): string | null {
  const name = domain.endsWith('.') ? domain.slice(0, -1) : domain
  if (name.length === 0 || name.length > 253) return 'a domain name is 1 to 253 characters'
  const labels = name.split('.')
  if (labels.length < 2) return 'a domain name has at least two labels, such as example.org'
  if (!labels.every((l) => LABEL.test(l)))
    return 'each label is letters, digits and inner hyphens, 1 to 63 characters (write IDNs as xn--)'
  return null
}

/** Why a selector is unusable, or null. One or more labels (RFC 6376 3.1), kept to DNS host syntax. */
export function selectorProblem(selector: string): string | null {
  if (selector.length === 0 || selector.length > 63) return 'a selector is 1 to 63 characters'
  if (!selector.split('.').every((l) => LABEL.test(l)))
    return 'a selector is letters, digits and inner hyphens (dots between labels)'
  return null
}

/** `S._domainkey.D`, lowercased, without a trailing dot. */
export function recordName(selector: string, domain: string): string {
  const d = domain.endsWith('.') ? domain.slice(0, -1) : domain
  return `${selector}._domainkey.${d}`.toLowerCase()
}

/** Splits a TXT value into strings of at most `max` bytes (the value is ASCII: base64 and tags). */
export function splitTxtStrings(value: string, max = TXT_STRING_MAX): string[] {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new Error('a DKIM record value is printable ASCII')
  const parts: string[] = []
  for (let at = 0; at < value.length; at += max) parts.push(value.slice(at, at + max))
  return parts.length > 0 ? parts : ['']
}

/** One zone-file record: `NAME. 3600 IN TXT ( "..." "..." )`, the strings on their own lines. */
export function zoneFileRecord(name: string, value: string, ttl = 3600): string {
  // Quotes and backslashes never occur in a DKIM key record, but escaping keeps the form correct.
  const quoted = splitTxtStrings(value).map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`)
  if (quoted.length === 1) return `${name}. ${ttl} IN TXT ${quoted[0]}`
  return `${name}. ${ttl} IN TXT (\n${quoted.map((q) => `    ${q}`).join('\n')} )`
}
