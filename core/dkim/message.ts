// Reading a message as bytes: the header block (bounded) is split off the body, bare LF line
// endings are turned into CRLF (as the message was in transit) and counted, and the header block
// is parsed into fields kept as latin1 strings (one char per byte, so nothing is decoded).
import { DkimInputError } from './errors.js'

const CR = 13
const LF = 10

export interface HeaderField {
  /** Position, top first. */
  index: number
  /** The name as written before the colon ("From", "From " for the disguised form). */
  name: string
  /** Lower-case name without trailing WSP; null for a line that is not a header field. */
  key: string | null
  /** The whole field with its CRLFs, final CRLF included (latin1). */
  raw: string
  /** After the colon, without the final CRLF (latin1, folding kept). */
  value: string
  /** WSP or a fold between the name and the colon (RFC 5322 obsolete syntax; a spoofing tool). */
  spaceBeforeColon: boolean
}

export interface LineEndingCounts {
  crlf: number
  bareLf: number
}

export interface HeaderBlock {
  fields: HeaderField[]
  /** Continuation lines that look like a header of their own (" From: x" folded into another field). */
  lookalikes: { key: string; field: number }[]
  bytes: number
  separatorFound: boolean
}

/** Finds the blank line that ends the header block; returns the body's first byte, -1 if not yet seen. */
function findSeparator(buf: Buffer, from: number): { headerEnd: number; bodyStart: number } | 'more' | null {
  if (from === 0) {
    if (buf.length === 0) return 'more'
    if (buf[0] === LF) return { headerEnd: 0, bodyStart: 1 }
    if (buf[0] === CR) {
      if (buf.length < 2) return 'more'
      if (buf[1] === LF) return { headerEnd: 0, bodyStart: 2 }
    }
  }
  let i = buf.indexOf(LF, from)
  while (i >= 0) {
    if (i + 1 >= buf.length) return 'more'
    if (buf[i + 1] === LF) return { headerEnd: i + 1, bodyStart: i + 2 }
    if (buf[i + 1] === CR) {
      if (i + 2 >= buf.length) return 'more'
      if (buf[i + 2] === LF) return { headerEnd: i + 1, bodyStart: i + 3 }
    }
    i = buf.indexOf(LF, i + 1)
  }
  return null
}

export interface SplitMessage {
  /** The header block, bare LF made CRLF. */
  header: Buffer
  headerEndings: LineEndingCounts
  /** Raw bytes already read past the header block (the start of the body). */
  bodyStart: Uint8Array
  separatorFound: boolean
  /** Bytes of the header block as read (before line-ending repair). */
  rawHeaderBytes: number
  /** Bytes of the blank line between header and body (0 when there is none). */
  separatorBytes: number
}

/** Reads chunks until the header block ends; never holds more than MAX header bytes. */
export async function readHeaderBlock(
  chunks: AsyncIterator<Uint8Array>,
  maxHeaderBytes: number,
  signal?: AbortSignal,
): Promise<SplitMessage & { ended: boolean }> {
  let buf: Buffer = Buffer.alloc(0)
  let scanned = 0
  for (;;) {
    signal?.throwIfAborted()
    const found = findSeparator(buf, scanned)
    if (found && found !== 'more') {
      const header = buf.subarray(0, found.headerEnd)
      const repaired = repairLineEndings(header)
      return {
        header: repaired.bytes,
        headerEndings: repaired.counts,
        bodyStart: buf.subarray(found.bodyStart),
        separatorFound: true,
        rawHeaderBytes: found.headerEnd,
        separatorBytes: found.bodyStart - found.headerEnd,
        ended: false,
      }
    }
    if (found === null) scanned = Math.max(0, buf.length - 1)
    else scanned = Math.max(0, buf.lastIndexOf(LF))
    if (buf.length > maxHeaderBytes)
      throw new DkimInputError(
        'too-large',
        `The header block is larger than ${maxHeaderBytes} bytes (no blank line ends it); this is not a message Mailwarden can verify.`,
      )
    const next = await chunks.next()
    if (next.done) {
      // No blank line: the whole message is headers and the body is empty (RFC 5322 allows it).
      const read = buf.length
      if (read > 0 && buf[read - 1] !== LF) buf = Buffer.concat([buf, Buffer.from('\r\n')])
      const repaired = repairLineEndings(buf)
      return {
        header: repaired.bytes,
        headerEndings: repaired.counts,
        bodyStart: new Uint8Array(0),
        separatorFound: false,
        rawHeaderBytes: read,
        separatorBytes: 0,
        ended: true,
      }
    }
    // A view, not a copy: the whole message often arrives as one chunk.
    const view = Buffer.isBuffer(next.value)
      ? next.value
      : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength)
    buf = buf.length === 0 ? view : Buffer.concat([buf, view])
  }
}

/** Whole-buffer line-ending repair (the header block, or a retained body for explanations). */
export function repairLineEndings(bytes: Uint8Array): { bytes: Buffer; counts: LineEndingCounts } {
  const repair = new LineEndingRepair()
  const out = repair.write(bytes)
  return { bytes: Buffer.from(out), counts: repair.counts }
}

/** Streaming: every LF not preceded by CR becomes CRLF; a bare CR is left alone. */
export class LineEndingRepair {
  readonly counts: LineEndingCounts = { crlf: 0, bareLf: 0 }
  #lastWasCr = false

  write(chunk: Uint8Array): Uint8Array {
    let bare = 0
    let i = chunk.indexOf(LF)
    const prevCr = this.#lastWasCr
    while (i >= 0) {
      if (i === 0 ? prevCr : chunk[i - 1] === CR) this.counts.crlf++
      else bare++
      i = chunk.indexOf(LF, i + 1)
    }
    if (chunk.length > 0) this.#lastWasCr = chunk[chunk.length - 1] === CR
    if (bare === 0) return chunk
    this.counts.bareLf += bare
    const out = new Uint8Array(chunk.length + bare)
    let o = 0
    let from = 0
    i = chunk.indexOf(LF)
    while (i >= 0) {
      if (!(i === 0 ? prevCr : chunk[i - 1] === CR)) {
        out.set(chunk.subarray(from, i), o)
        o += i - from
        out[o++] = CR
        from = i
      }
      i = chunk.indexOf(LF, i + 1)
    }
    out.set(chunk.subarray(from), o)
    return out
  }
}

const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/
const LOOKALIKE = /^from[ \t]*:/i

/**
 * Trailing WSP and line breaks removed. A loop, not /[ \t\r\n]+$/: that expression retries at
 * every WSP run, so a long line without a colon and with many runs took quadratic time.
 */
function trimEnd(text: string): string {
  let end = text.length
  while (end > 0) {
    const c = text.charCodeAt(end - 1)
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) break
    end--
  }
  return end === text.length ? text : text.slice(0, end)
}

/** " From:" at the start of a folded line (at `start`): only a From in disguise is a finding. */
function looksLikeFrom(text: string, start: number): boolean {
  let k = start
  while (text.charCodeAt(k) === 0x20 || text.charCodeAt(k) === 0x09) k++
  return (text.charCodeAt(k) | 0x20) === 0x66 && LOOKALIKE.test(text.slice(k, k + 12))
}

/** Splits a CRLF header block (latin1) into fields (one pass of native searches, no per-char loop). */
export function parseHeaderFields(text: string): HeaderBlock {
  const fields: HeaderField[] = []
  const lookalikes: { key: string; field: number }[] = []
  const n = text.length
  let pos = 0
  while (pos < n) {
    let end = text.indexOf('\r\n', pos)
    if (end < 0) end = n
    // Continuation lines (starting with WSP) belong to this field; one that looks like " From:" is noted.
    while (end + 2 < n && (text.charCodeAt(end + 2) === 0x20 || text.charCodeAt(end + 2) === 0x09)) {
      if (looksLikeFrom(text, end + 2)) lookalikes.push({ key: 'from', field: fields.length })
      const next = text.indexOf('\r\n', end + 2)
      end = next < 0 ? n : next
    }
    const raw = end + 2 <= n ? text.slice(pos, end + 2) : `${text.slice(pos)}\r\n`
    const colon = raw.indexOf(':')
    const name = colon < 0 ? raw.slice(0, -2) : raw.slice(0, colon)
    const trimmed = trimEnd(name)
    const valid = colon >= 0 && FIELD_NAME.test(trimmed)
    // A first line that starts with WSP is no field's continuation: it may hide a header.
    if (
      fields.length === 0 &&
      (raw.charCodeAt(0) === 0x20 || raw.charCodeAt(0) === 0x09) &&
      looksLikeFrom(raw, 0)
    )
      lookalikes.push({ key: 'from', field: 0 })
    fields.push({
      index: fields.length,
      name,
      key: valid ? trimmed.toLowerCase() : null,
      raw,
      value: colon < 0 ? '' : raw.slice(colon + 1, -2),
      spaceBeforeColon: valid && trimmed.length !== name.length,
    })
    pos = end + 2
  }
  return { fields, lookalikes, bytes: n, separatorFound: true }
}

/** Field values for display and parsing: unfolded, decoded as UTF-8 (RFC 6532), never markup. */
export function displayValue(field: HeaderField): string {
  return utf8Text(field.value.replace(/\r\n/g, '')).trim()
}

const NON_ASCII = /[\u0080-\u00ff]/

/** Latin1 (byte) text to what a person reads: UTF-8 where it decodes (ASCII needs no work). */
export function utf8Text(latin1: string): string {
  return NON_ASCII.test(latin1) ? Buffer.from(latin1, 'latin1').toString('utf8') : latin1
}
