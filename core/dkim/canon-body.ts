// Streaming body canonicalization (RFC 6376 3.4.3 simple, 3.4.4 relaxed) and hashing. Input is
// the body with CRLF line endings (see line-endings.ts); a bare CR is an ordinary byte. State is
// carried across chunks, so any chunking gives the same bytes. Output goes to every hash that
// wants this canonicalization, each cut at its own l=. One canonicalizer per canonicalization,
// one hash per distinct (canonicalization, hash, l=): a body is canonicalized at most twice.
import { createHash, type Hash } from 'node:crypto'
import type { Canon, HashName } from './signature.js'

const CR = 13
const LF = 10
const SP = 32
const HTAB = 9

export interface BodyHash {
  hash: HashName
  /** l= (null: the whole canonical body). */
  limit: number | null
  /** Canonical bytes fed so far (at most limit). */
  fed: number
  digest: Buffer | null
  readonly state: Hash
  /** The canonicalizer's output: `total` is the whole canonical body's length once it ended. */
  readonly sink: { readonly total: number }
}

/** The canonical body goes to a set of hashes; `total` counts every canonical byte. */
class BodySink {
  total = 0
  readonly hashes: BodyHash[] = []

  hashFor(hash: HashName, limit: number | null): BodyHash {
    let found = this.hashes.find((h) => h.hash === hash && h.limit === limit)
    if (!found) {
      found = { hash, limit, fed: 0, digest: null, state: createHash(hash), sink: this }
      this.hashes.push(found)
    }
    return found
  }

  push(out: Uint8Array, start: number, end: number): void {
    const length = end - start
    if (length <= 0) return
    this.total += length
    for (const h of this.hashes) {
      if (h.limit === null) {
        h.state.update(start === 0 && end === out.length ? out : out.subarray(start, end))
        h.fed += length
      } else if (h.fed < h.limit) {
        const take = Math.min(length, h.limit - h.fed)
        h.state.update(out.subarray(start, start + take))
        h.fed += take
      }
    }
  }

  finish(): void {
    for (const h of this.hashes) h.digest ??= h.state.digest()
  }
}

export interface BodyCanonicalizer {
  readonly canon: Canon
  readonly sink: BodySink
  write(chunk: Uint8Array): void
  end(): void
}

/**
 * Scratch space for canonical output, shared by every canonicalizer: write() fills it and hashes it
 * before returning (synchronously), so no two writes ever use it at once. Grows to the largest chunk.
 */
let scratch = new Uint8Array(0)
function reserve(bytes: number): Uint8Array {
  if (scratch.length < bytes) scratch = new Uint8Array(Math.max(bytes, 64 * 1024))
  return scratch
}

/**
 * Finds byte pairs (such as two spaces) with native 16-bit searches over two aligned copies of a
 * chunk (pairs at even and at odd offsets): much faster than a generic two-byte search on text
 * full of single spaces.
 */
class PairFinder {
  #evenStore = new Uint16Array(0)
  #oddStore = new Uint16Array(0)
  #even = new Uint16Array(0)
  #odd = new Uint16Array(0)
  #length = 0
  // The next match at each parity: searches only move forward, so a chunk costs one pass.
  #value = -1
  #nextEven = -2
  #nextOdd = -2

  load(chunk: Uint8Array): void {
    const words = (chunk.length >> 1) + 2
    if (this.#evenStore.length < words) {
      this.#evenStore = new Uint16Array(Math.max(words, 32 * 1024))
      this.#oddStore = new Uint16Array(this.#evenStore.length)
    }
    const even = new Uint8Array(this.#evenStore.buffer)
    const odd = new Uint8Array(this.#oddStore.buffer)
    even.set(chunk, 0)
    odd.set(chunk, 1)
    // Bytes past the chunk must never complete a pair.
    even[chunk.length] = 0
    odd[chunk.length + 1] = 0
    this.#even = this.#evenStore.subarray(0, (chunk.length + 1) >> 1)
    this.#odd = this.#oddStore.subarray(0, (chunk.length + 2) >> 1)
    this.#length = chunk.length
    this.#value = -1
  }

  /** First k >= from with chunk[k] = first and chunk[k + 1] = second, or -1. Calls must not go back. */
  find(first: number, second: number, from: number): number {
    const value = LITTLE_ENDIAN ? first | (second << 8) : (first << 8) | second
    if (value !== this.#value) {
      this.#value = value
      this.#nextEven = -2
      this.#nextOdd = -2
    }
    if (this.#nextEven !== -1 && this.#nextEven < from) {
      const e = this.#even.indexOf(value, (from + 1) >> 1)
      this.#nextEven = e < 0 || 2 * e + 1 >= this.#length ? -1 : 2 * e
    }
    if (this.#nextOdd !== -1 && this.#nextOdd < from) {
      const o = this.#odd.indexOf(value, (from + 2) >> 1)
      this.#nextOdd = o < 0 || 2 * o >= this.#length ? -1 : 2 * o - 1
    }
    if (this.#nextEven < 0) return this.#nextOdd
    if (this.#nextOdd < 0) return this.#nextEven
    return Math.min(this.#nextEven, this.#nextOdd)
  }
}

/** Regular expressions run on slices of this size: on megabyte strings they slow down several times. */
const REGEX_SLICE_BYTES = 32 * 1024

/** WSP runs that relaxed canonicalization changes: any HTAB, or a SP followed by more WSP. */
const WSP_RUN = /\t[ \t]*| [ \t]+/g
/** WSP at a line end (removed first: faster than collapsing it and removing the SP after). */
const TRAILING_WSP = /[ \t]+\r\n/g

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  return asBuffer(bytes).toString('latin1', from, to)
}

/** Index of the last CRLF of a chunk (-2 when there is none). */
function lastCrlf(bytes: Uint8Array): number {
  let at = asBuffer(bytes).lastIndexOf(LF)
  while (at > 0 && bytes[at - 1] !== CR) at = asBuffer(bytes).lastIndexOf(LF, at - 1)
  return at > 0 ? at - 1 : -2
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
/** Shared like `scratch`: loaded and searched within one synchronous write(). */
const pairs = new PairFinder()

const CRLF = new Uint8Array([CR, LF])

/**
 * RFC 6376 3.4.3: trailing empty lines removed, a missing final CRLF added, an empty body is one
 * CRLF. Nothing else changes, so each chunk is hashed as it is, minus the CRLFs at its end that
 * may turn out to be trailing empty lines (they are held back until content follows).
 */
class SimpleBody implements BodyCanonicalizer {
  readonly canon = 'simple' as const
  readonly sink = new BodySink()
  /** Empty lines seen and not yet emitted (they may be the body's trailing ones). */
  #held = 0
  /** The previous chunk ended in a CR whose LF may start this one. */
  #heldCr = false
  /** The current line has content (its CRLF is still to come). */
  #lineOpen = false

  #flushHeld(): void {
    for (; this.#held > 0; this.#held--) this.sink.push(CRLF, 0, 2)
  }

  write(chunk: Uint8Array): void {
    const n = chunk.length
    let start = 0
    if (this.#heldCr && n > 0) {
      this.#heldCr = false
      if (chunk[0] === LF) {
        if (this.#lineOpen) {
          this.sink.push(CRLF, 0, 2)
          this.#lineOpen = false
        } else this.#held++
        start = 1
      } else {
        this.#flushHeld()
        this.sink.push(CRLF, 0, 1)
        this.#lineOpen = true
      }
    }
    if (start >= n) return
    let j = n
    if (chunk[j - 1] === CR) {
      this.#heldCr = true
      j--
    }
    let pairs = 0
    while (j - 2 >= start && chunk[j - 2] === CR && chunk[j - 1] === LF) {
      j -= 2
      pairs++
    }
    if (j === start) {
      if (pairs > 0 && this.#lineOpen) {
        this.sink.push(CRLF, 0, 2)
        this.#lineOpen = false
        pairs--
      }
      this.#held += pairs
      return
    }
    this.#flushHeld()
    // Content, and the CRLF that ends its last line.
    this.sink.push(chunk, start, pairs > 0 ? j + 2 : j)
    this.#lineOpen = pairs === 0
    this.#held = pairs > 0 ? pairs - 1 : 0
  }

  end(): void {
    if (this.#heldCr) {
      this.#flushHeld()
      this.sink.push(CRLF, 0, 1)
      this.#lineOpen = true
    }
    if (this.#lineOpen || this.sink.total === 0) this.sink.push(CRLF, 0, 2)
    this.sink.finish()
  }
}

/**
 * RFC 6376 3.4.4: WSP at line ends removed, inner WSP runs become one SP, every empty line at the
 * end removed (a line of only WSP is empty once its WSP is gone), a missing final CRLF added to a
 * non-empty body; an empty body stays empty. Lines that need no change (no HTAB, no double SP, no
 * WSP before the CRLF) are found with native searches and copied in runs; only the others go
 * through the byte-by-byte state machine, which also carries a line across chunk boundaries.
 */
class RelaxedBody implements BodyCanonicalizer {
  readonly canon = 'relaxed' as const
  readonly sink = new BodySink()
  #cr = false
  #wsp = false
  #emptyLines = 0
  #lineHasContent = false
  #o = 0

  write(chunk: Uint8Array): void {
    const n = chunk.length
    const out = reserve(2 * n + 2 * this.#emptyLines + 8)
    this.#o = 0
    let pairsLoaded = false
    let i = 0
    // Finish a line begun in the previous chunk.
    if (this.#cr || this.#wsp || this.#lineHasContent) i = this.#slow(chunk, 0, out, true)
    let nextTab = -2
    let nextDouble = -2
    let runStart = i
    let runEnd = i
    while (i < n) {
      const cr = chunk.indexOf(CR, i)
      if (cr < 0 || cr + 1 >= n || chunk[cr + 1] !== LF) {
        // A partial line at the chunk's end, or a bare CR: the byte machine handles this line.
        if (runEnd > runStart) this.#copy(chunk, runStart, runEnd, out)
        i = this.#slow(chunk, i, out, true)
        runStart = runEnd = i
        continue
      }
      if (cr === i) {
        if (runEnd > runStart) this.#copy(chunk, runStart, runEnd, out)
        this.#emptyLines++
        i = cr + 2
        runStart = runEnd = i
        continue
      }
      // Cheapest test first; the pair search (two copies of the chunk) only when it is needed.
      const last = chunk[cr - 1]
      let dirty = last === SP || last === HTAB
      if (!dirty) {
        if (nextTab !== -1 && nextTab < i) nextTab = chunk.indexOf(HTAB, i)
        dirty = nextTab !== -1 && nextTab < cr
      }
      if (!dirty) {
        if (!pairsLoaded) {
          pairs.load(chunk)
          pairsLoaded = true
        }
        if (nextDouble !== -1 && nextDouble < i) nextDouble = pairs.find(SP, SP, i)
        dirty = nextDouble !== -1 && nextDouble < cr
      }
      if (dirty) {
        // From here on, the complete lines of the chunk go through regular expressions (native
        // code, several times faster than a byte loop on text full of WSP runs).
        if (runEnd > runStart) this.#copy(chunk, runStart, runEnd, out)
        const end = lastCrlf(chunk) + 2
        this.#regexLines(chunk, i, end, out)
        i = end
        runStart = runEnd = i
        continue
      }
      if (this.#emptyLines > 0) {
        if (runEnd > runStart) this.#copy(chunk, runStart, runEnd, out)
        let o = this.#o
        for (; this.#emptyLines > 0; this.#emptyLines--) {
          out[o++] = CR
          out[o++] = LF
        }
        this.#o = o
        runStart = i
      }
      i = cr + 2
      runEnd = i
    }
    if (runEnd > runStart) this.#copy(chunk, runStart, runEnd, out)
    this.sink.push(out, 0, this.#o)
  }

  /** Complete lines [from, to) (to is just after a CRLF), starting at a line start, in slices. */
  #regexLines(chunk: Uint8Array, from: number, to: number, out: Uint8Array): void {
    const buf = asBuffer(chunk)
    let start = from
    while (start < to) {
      let end = to
      if (to - start > REGEX_SLICE_BYTES) {
        // Cut after the last CRLF of the slice (a line longer than the slice stays whole).
        const lf = buf.lastIndexOf(LF, start + REGEX_SLICE_BYTES)
        if (lf > start && chunk[lf - 1] === CR) end = lf + 1
      }
      this.#regexSlice(chunk, start, end, out)
      start = end
    }
  }

  #regexSlice(chunk: Uint8Array, from: number, to: number, out: Uint8Array): void {
    const t = latin1(chunk, from, to).replace(TRAILING_WSP, '\r\n').replace(WSP_RUN, ' ')
    let end = t.length
    let pairs = 0
    while (end >= 2 && t.charCodeAt(end - 1) === LF && t.charCodeAt(end - 2) === CR) {
      end -= 2
      pairs++
    }
    if (end === 0) {
      this.#emptyLines += pairs
      return
    }
    let o = this.#o
    for (; this.#emptyLines > 0; this.#emptyLines--) {
      out[o++] = CR
      out[o++] = LF
    }
    o += asBuffer(out).write(t.slice(0, end + 2), o, 'latin1')
    this.#o = o
    this.#emptyLines = pairs - 1
  }

  #copy(chunk: Uint8Array, from: number, to: number, out: Uint8Array): void {
    out.set(chunk.subarray(from, to), this.#o)
    this.#o += to - from
  }

  /** The byte machine from `from`; with `untilLineEnd` it stops after the CRLF ending a line. */
  #slow(chunk: Uint8Array, from: number, out: Uint8Array, untilLineEnd: boolean): number {
    const n = chunk.length
    let o = this.#o
    let cr = this.#cr
    let wsp = this.#wsp
    let empty = this.#emptyLines
    let content = this.#lineHasContent
    let i = from
    for (; i < n; i++) {
      const c = chunk[i] as number
      if (cr) {
        cr = false
        if (c === LF) {
          wsp = false
          if (content) {
            out[o++] = CR
            out[o++] = LF
            content = false
          } else empty++
          if (untilLineEnd) {
            i++
            break
          }
          continue
        }
        // A bare CR is content: emit it, then handle c below.
        for (; empty > 0; empty--) {
          out[o++] = CR
          out[o++] = LF
        }
        if (wsp) {
          out[o++] = SP
          wsp = false
        }
        out[o++] = CR
        content = true
      }
      if (c === SP || c === HTAB) {
        wsp = true
        continue
      }
      if (c === CR) {
        cr = true
        continue
      }
      for (; empty > 0; empty--) {
        out[o++] = CR
        out[o++] = LF
      }
      if (wsp) {
        out[o++] = SP
        wsp = false
      }
      out[o++] = c
      content = true
    }
    this.#o = o
    this.#cr = cr
    this.#wsp = wsp
    this.#emptyLines = empty
    this.#lineHasContent = content
    return i
  }

  end(): void {
    const out = reserve(2 * this.#emptyLines + 8)
    let o = 0
    if (this.#cr) {
      for (; this.#emptyLines > 0; this.#emptyLines--) {
        out[o++] = CR
        out[o++] = LF
      }
      if (this.#wsp) out[o++] = SP
      out[o++] = CR
      this.#lineHasContent = true
    }
    // Trailing WSP of a last line without CRLF is dropped like any line's (dkimpy keeps it).
    if (this.#lineHasContent) {
      out[o++] = CR
      out[o++] = LF
    }
    this.sink.push(out, 0, o)
    this.sink.finish()
  }
}

export function bodyCanonicalizer(canon: Canon): BodyCanonicalizer {
  return canon === 'simple' ? new SimpleBody() : new RelaxedBody()
}

/** Canonicalizes and hashes a whole body held in memory (tests, and the failure explainer). */
export function hashBody(
  body: Uint8Array,
  canon: Canon,
  hash: HashName,
  limit: number | null = null,
): { digest: Buffer; total: number } {
  const c = bodyCanonicalizer(canon)
  const h = c.sink.hashFor(hash, limit)
  c.write(body)
  c.end()
  return { digest: h.digest as Buffer, total: c.sink.total }
}

/** The canonical body itself (tests and explanations; bounded by the caller). */
export function canonicalBody(body: Uint8Array, canon: Canon, chunkSize = body.length || 1): Buffer {
  const c = bodyCanonicalizer(canon)
  const parts: Buffer[] = []
  const sink = c.sink as BodySink
  const push = sink.push.bind(sink)
  sink.push = (out, start, end) => {
    parts.push(Buffer.from(out.subarray(start, end)))
    push(out, start, end)
  }
  for (let i = 0; i < body.length; i += chunkSize) c.write(body.subarray(i, i + chunkSize))
  c.end()
  return Buffer.concat(parts)
}
