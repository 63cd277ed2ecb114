// mbox files (RFC 4155): messages separated by "From " lines, each preceded by an empty line (or at
// the start of the file). The scan streams the file and yields byte ranges; the bytes of each
// message are read again by whoever verifies it, so a 1 GB mbox is never held in memory.
//
// Escaping: mboxrd writes a body line /^>*From / with one more ">", mboxo only /^From / as
// ">From ". Reading undoes that: mboxrd removes one ">" from /^>+From /, mboxo from /^>From /.
import { open } from 'node:fs/promises'
import { startsWithMboxFromLine } from '../../../shared/contract/message-kind.js'
import { MAX_ESCAPE_CARRY_BYTES, MAX_FROM_LINE_BYTES, READ_CHUNK_BYTES } from './limits.js'

export type MboxFormat = 'mboxrd' | 'mboxo'

export interface MboxRange {
  /** Byte offset of the "From " separator line in the file. */
  offset: number
  /** The message's bytes: [start, end) (the separator line and the empty line before the next one excluded). */
  start: number
  end: number
  /** The separator line, without its line end (for display: "From alice@example.com Tue Dec 1 ..."). */
  separator: string
}

const FROM = Buffer.from('From ')
/**
 * A separator is "From " + sender + a date (RFC 4155: asctime, "Tue Dec  1 10:00:00 2026"); a time
 * of day is what every writer puts there and what a body line that begins "From " rarely has.
 */
const SEPARATOR_SHAPE = /^From \S+\s+.*\b\d{1,2}:\d\d(?::\d\d)?\b/
const LF = 0x0a
const CR = 0x0d

/**
 * True when the file starts with a real From_ line ("From ", a sender, an asctime date): what
 * tells an mbox from a single message. "From " alone is not enough ("From : x" is a header).
 */
export function looksLikeMbox(head: Uint8Array): boolean {
  return startsWithMboxFromLine(head)
}

/**
 * What a read keeps of its tail when no separator is pending: a separator is "\nFrom " with the
 * empty line's two bytes before it ("\n\r\nFrom " in a CRLF mbox), and the read may end just before
 * its last byte. Seven bytes are needed; six lost the empty line's LF (two messages became one).
 */
const SEPARATOR_LOOKBEHIND_BYTES = 8

/**
 * Yields each message's range. A "From " line counts as a separator only at the start of the file or
 * after an empty line, so an unescaped "From " inside a body (sloppy mboxo writers) does not split it.
 */
export async function* scanMbox(
  file: string,
  options: { signal?: AbortSignal; chunkBytes?: number } = {},
): AsyncGenerator<MboxRange> {
  // `buffer` holds the unprocessed tail: bytes from `base` (absolute offset) on.
  let buffer: Buffer<ArrayBufferLike> = Buffer.alloc(0)
  let base = 0
  let current: { offset: number; start: number; separator: string } | null = null
  let pendingSeparatorAt = -1 // absolute offset of a separator whose line end has not arrived yet
  let atFileStart = true

  const emit = (sepOffset: number): MboxRange | null => {
    if (!current) return null
    // The empty line before the next separator belongs to the mbox, not to the message.
    let end = sepOffset
    const rel = end - base
    if (rel >= 1 && buffer[rel - 1] === LF) end -= rel >= 2 && buffer[rel - 2] === CR ? 2 : 1
    return {
      offset: current.offset,
      start: current.start,
      end: Math.max(current.start, end),
      separator: current.separator,
    }
  }

  // One buffer for the whole scan: what a later match still needs is moved to its front and the
  // next read lands after it. (A read stream allocates a chunk per read, and joining the carry made
  // another; on a 1 GB mbox that garbage, held outside the JS heap until a collection, was tens of MB
  // of the scan's peak memory.) The carry is at most a pending separator line (checked below).
  const chunkBytes = options.chunkBytes ?? READ_CHUNK_BYTES
  const work = Buffer.allocUnsafe(chunkBytes + MAX_FROM_LINE_BYTES + 8)
  const handle = await open(file, 'r')
  try {
    for (;;) {
      options.signal?.throwIfAborted()
      const carried = buffer.length
      const { bytesRead } = await handle.read(work, carried, chunkBytes, null)
      if (bytesRead === 0) break
      buffer = work.subarray(0, carried + bytesRead)
      let searchFrom = 0
      for (;;) {
        let sepRel: number
        if (pendingSeparatorAt >= 0) {
          sepRel = pendingSeparatorAt - base
        } else if (atFileStart) {
          if (buffer.length < 5) break
          atFileStart = false
          if (!buffer.subarray(0, 5).equals(FROM)) {
            throw new Error('This file is not an mbox: it does not start with a "From " line.')
          }
          sepRel = 0
        } else {
          const found = buffer.indexOf('\nFrom ', searchFrom)
          if (found < 0) break
          sepRel = found + 1
          searchFrom = sepRel
          // Preceded by an empty line: "\n\nFrom " or "\r\n\r\nFrom " (found is the LF ending the empty line).
          const emptyBefore =
            (found >= 1 && buffer[found - 1] === LF) ||
            (found >= 2 && buffer[found - 1] === CR && buffer[found - 2] === LF)
          if (!emptyBefore) continue
        }
        const lineEnd = buffer.indexOf(LF, sepRel)
        if (lineEnd < 0) {
          if (buffer.length - sepRel > MAX_FROM_LINE_BYTES) {
            throw new Error(
              `The mbox has a "From " line longer than ${MAX_FROM_LINE_BYTES} bytes at offset ${base + sepRel}.`,
            )
          }
          pendingSeparatorAt = base + sepRel
          break
        }
        pendingSeparatorAt = -1
        const line = buffer.subarray(sepRel, lineEnd).toString('latin1').replace(/\r$/, '')
        // An unescaped body line that starts with "From " after an empty line (sloppy mboxo) is no separator.
        if (sepRel !== 0 || base !== 0) {
          if (!SEPARATOR_SHAPE.test(line)) {
            searchFrom = lineEnd
            continue
          }
        }
        const range = emit(base + sepRel)
        if (range) yield range
        current = { offset: base + sepRel, start: base + lineEnd + 1, separator: line }
        searchFrom = lineEnd
      }
      // Keep only what a later match may still need: a pending separator line (with the two bytes
      // before it, which emit() reads), else the bytes of "\n\r\nFrom" a read may have ended in.
      const keepFrom =
        pendingSeparatorAt >= 0
          ? Math.max(0, pendingSeparatorAt - base - 2)
          : Math.max(0, buffer.length - SEPARATOR_LOOKBEHIND_BYTES)
      base += keepFrom
      buffer.copyWithin(0, keepFrom)
      buffer = work.subarray(0, buffer.length - keepFrom)
    }
  } finally {
    await handle.close()
  }
  if (atFileStart) throw new Error('This file is not an mbox: it is shorter than a "From " line.')
  if (pendingSeparatorAt >= 0) {
    // A separator line without a line end at the very end: an empty last message.
    const range = emit(pendingSeparatorAt)
    if (range) yield range
    return
  }
  if (current) {
    const fileEnd = base + buffer.length
    // A trailing empty line after the last message is the mbox's, as between messages.
    let end = fileEnd
    if (buffer.length >= 2 && buffer[buffer.length - 1] === LF && buffer[buffer.length - 2] === LF) end -= 1
    else if (buffer.length >= 4 && buffer.subarray(-4).equals(Buffer.from('\r\n\r\n'))) end -= 2
    yield {
      offset: current.offset,
      start: current.start,
      end: Math.max(current.start, end),
      separator: current.separator,
    }
  }
}

/** Undoes mbox "From " escaping on a stream of a message's bytes (line boundaries may fall anywhere). */
export async function* unescapeMbox(
  chunks: AsyncIterable<Uint8Array>,
  format: MboxFormat,
): AsyncGenerator<Uint8Array> {
  let carry: Buffer<ArrayBufferLike> = Buffer.alloc(0)
  let atLineStart = true
  for await (const piece of chunks) {
    const chunk = carry.length
      ? Buffer.concat([carry, piece])
      : Buffer.from(piece.buffer, piece.byteOffset, piece.length)
    carry = Buffer.alloc(0)
    // The tail after the last LF may be the start of an escaped line cut by the chunk boundary.
    const lastLf = chunk.lastIndexOf(LF)
    let usable = chunk.length
    const tailStart = lastLf + 1
    const tailIsLineStart = lastLf >= 0 || atLineStart
    if (tailIsLineStart && chunk.length - tailStart < MAX_ESCAPE_CARRY_BYTES && chunk[tailStart] === 0x3e) {
      usable = tailStart
    }
    const body = chunk.subarray(0, usable)
    carry = Buffer.from(chunk.subarray(usable))
    yield unescapeLines(body, format, atLineStart)
    if (body.length > 0) atLineStart = body[body.length - 1] === LF
  }
  if (carry.length) yield unescapeLines(carry, format, atLineStart)
}

/** One '>' removed from each escaped From line that starts in `data`. */
export function unescapeLines(data: Buffer, format: MboxFormat, startsAtLine: boolean): Buffer {
  const parts: Buffer[] = []
  let copied = 0
  let at = startsAtLine ? 0 : data.indexOf(LF) + 1
  while (at > 0 || (at === 0 && startsAtLine)) {
    if (at >= data.length) break
    if (data[at] === 0x3e) {
      let gt = at
      while (gt < data.length && data[gt] === 0x3e) gt++
      const escaped = format === 'mboxrd' ? gt > at : gt === at + 1
      if (escaped && data.subarray(gt, gt + 5).equals(FROM)) {
        parts.push(data.subarray(copied, at))
        copied = at + 1
      }
    }
    const next = data.indexOf(LF, at)
    if (next < 0) break
    at = next + 1
    startsAtLine = true
  }
  if (copied === 0) return data
  parts.push(data.subarray(copied))
  return Buffer.concat(parts)
}
