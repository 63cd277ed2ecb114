// RFC 6376 section 3.2 tag-lists, parsed strictly: a duplicate tag, a missing name, a control
// character or an empty tag-spec is an error with a reason, never silently skipped. Works on
// latin1 strings (one char per byte), so positions map back to the message's exact bytes.

export interface Tag {
  name: string
  /** The value with surrounding FWS removed (inner FWS kept). */
  value: string
  /** Offsets in the parsed text of the raw value: just after "=" up to the ";" or the end. */
  rawStart: number
  rawEnd: number
}

export type TagListResult = { ok: true; tags: Map<string, Tag> } | { ok: false; reason: string }

/**
 * FWS at both ends removed. A loop, not /^[ \t\r\n]+|[ \t\r\n]+$/: that expression retries its
 * second half at every WSP run, so a value with long inner WSP runs took quadratic time (seconds).
 */
export function trimFws(text: string): string {
  const isFws = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a
  let start = 0
  let end = text.length
  while (start < end && isFws(text.charCodeAt(start))) start++
  while (end > start && isFws(text.charCodeAt(end - 1))) end--
  return start === 0 && end === text.length ? text : text.slice(start, end)
}
const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/
/** Bytes no tag value may hold (RFC 6376 3.2 VALCHAR and FWS allow the rest). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control bytes is the point
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/

function describeChar(code: number): string {
  if (code === 0) return 'a NUL byte'
  return `the byte 0x${code.toString(16).padStart(2, '0')}`
}

export function parseTagList(text: string): TagListResult {
  const tags = new Map<string, Tag>()
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf(';', start)
    if (end < 0) end = text.length
    const spec = text.slice(start, end)
    if (trimFws(spec) === '') {
      // Only a trailing ";" (or an empty list) may leave an empty tag-spec.
      if (end === text.length) break
      return { ok: false, reason: 'an empty tag (";;") in the tag list' }
    }
    const eq = spec.indexOf('=')
    if (eq < 0) return { ok: false, reason: `"${trimFws(spec).slice(0, 40)}" has no "="` }
    const name = trimFws(spec.slice(0, eq))
    if (!TAG_NAME.test(name)) return { ok: false, reason: `"${name.slice(0, 40)}" is not a valid tag name` }
    const rawValue = spec.slice(eq + 1)
    const control = CONTROL.exec(rawValue)
    if (control)
      return { ok: false, reason: `the ${name}= value contains ${describeChar(control[0].charCodeAt(0))}` }
    if (/\r(?!\n[ \t])|(?<!\r)\n/.test(rawValue))
      return { ok: false, reason: `the ${name}= value has a line break that is not folding` }
    if (tags.has(name)) return { ok: false, reason: `the tag ${name}= appears twice` }
    tags.set(name, {
      name,
      value: trimFws(rawValue),
      rawStart: start + eq + 1,
      rawEnd: end,
    })
    if (end === text.length) break
    start = end + 1
  }
  return { ok: true, tags }
}

/** Removes FWS (base64 values may be folded anywhere). */
export function stripFws(value: string): string {
  return value.replace(/[ \t\r\n]+/g, '')
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Strict base64 (RFC 6376 2.4 base64string, FWS removed): returns the bytes or null. */
export function decodeBase64Strict(value: string): Buffer | null {
  const compact = stripFws(value)
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return null
  // "=" only as the padding of the last group (the regular expression and the length say so).
  return Buffer.from(compact, 'base64')
}
