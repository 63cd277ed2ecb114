// Header canonicalization (RFC 6376 3.4.1 simple, 3.4.2 relaxed), the bottom-up choice of header
// instances named in h= (5.4.2, oversigned names select nothing), and the signed header block with
// the signature's own field last, its b= value emptied and no final CRLF (3.7).
import type { HeaderField } from './message.js'
import type { Canon, ParsedSignature } from './signature.js'

/** A value relaxed changes beyond its ends: a fold, an HTAB, or a run of SPs. */
const NEEDS_RELAXING = /[\r\t]| {2}/

export function canonicalizeField(canon: Canon, field: Pick<HeaderField, 'key' | 'raw' | 'value'>): string {
  if (canon === 'simple') return field.raw
  // Most values are one line with single spaces: then only a SP at either end goes (one native
  // test instead of three replaces; the header block is canonicalized for every signature).
  if (!NEEDS_RELAXING.test(field.value)) {
    const v = field.value
    const start = v.charCodeAt(0) === 0x20 ? 1 : 0
    const end = v.length > start && v.charCodeAt(v.length - 1) === 0x20 ? v.length - 1 : v.length
    return `${field.key}:${v.slice(start, end)}\r\n`
  }
  const value = field.value
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '')
  return `${field.key}:${value}\r\n`
}

/** For each h= entry, the instance it selects (bottom-up), or null when none is left (oversigning). */
export function selectHeaders(
  fields: readonly HeaderField[],
  signedHeaders: readonly string[],
  exclude: HeaderField | null,
): (HeaderField | null)[] {
  const byKey = new Map<string, HeaderField[]>()
  for (const field of fields) {
    if (field.key === null || field === exclude) continue
    const list = byKey.get(field.key)
    if (list) list.push(field)
    else byKey.set(field.key, [field])
  }
  const used = new Map<string, number>()
  return signedHeaders.map((name) => {
    const list = byKey.get(name) ?? []
    const taken = used.get(name) ?? 0
    used.set(name, taken + 1)
    return list[list.length - 1 - taken] ?? null
  })
}

/** The signature field as hashed: b= value removed, canonicalized, final CRLF dropped. */
export function signatureFieldForHash(canon: Canon, field: HeaderField, signature: ParsedSignature): string {
  const valueStart = field.raw.length - 2 - field.value.length
  const raw =
    field.raw.slice(0, valueStart + signature.bTag.rawStart) +
    field.raw.slice(valueStart + signature.bTag.rawEnd)
  const emptied = { key: field.key, raw, value: raw.slice(valueStart, -2) }
  return canonicalizeField(canon, emptied).slice(0, -2)
}

/** The exact bytes the signature covers (latin1 string): selected fields, then the signature field. */
export function signedHeaderBlock(
  canon: Canon,
  selected: readonly (HeaderField | null)[],
  field: HeaderField,
  signature: ParsedSignature,
): string {
  let block = ''
  for (const chosen of selected) if (chosen) block += canonicalizeField(canon, chosen)
  return block + signatureFieldForHash(canon, field, signature)
}
