// Streaming body canonicalization (RFC 6376 3.4.3 simple, 3.4.4 relaxed) and hashing. Input is
// the body with CRLF line endings (see line-endings.ts); a bare CR is an ordinary byte. State is
// carried across chunks, so any chunking gives the same bytes. Output goes to every hash that
// wants this canonicalization, each cut at its own l=. One canonicalizer per canonicalization,
// one hash per distinct (canonicalization, hash, l=): a body is canonicalized at most twice.
import { createHash, type Hash } from 'node:crypto'
import {
  CR_PENDING,
  EMPTY_LINES_HELD,
  LINE_HAS_CONTENT,
  type RelaxedKernel,
  relaxedKernel,
  SLICE_BYTES,
  WSP_PENDING,
} from './relaxed-wasm.js'
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
 * Scratch space for the JavaScript relaxed loop's output (the kernel has its own fixed memory),
 * shared by every canonicalizer: write() fills it and hashes it before returning (synchronously),
 * so no two writes ever use it at once. Grows to the largest chunk.
 */
let scratch = new Uint8Array(0)
function reserve(bytes: number): Uint8Array {
  if (scratch.length < bytes) scratch = new Uint8Array(Math.max(bytes, 64 * 1024))
  return scratch
}

const CRLF = new Uint8Array([CR, LF])
const SP_CR = new Uint8Array([SP, CR])

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

/** Held empty lines are emitted from this block, so a long run of them needs no large buffer. */
const CRLF_BLOCK = new Uint8Array(8 * 1024).map((_, i) => (i % 2 === 0 ? CR : LF))

/**
 * RFC 6376 3.4.4: WSP at line ends removed, inner WSP runs become one SP, every empty line at the
 * end removed (a line of only WSP is empty once its WSP is gone), a missing final CRLF added to a
 * non-empty body; an empty body stays empty.
 *
 * The work is done by the WebAssembly kernel (relaxed-body.wat): 16 bytes are checked at once and
 * copied when relaxed changes nothing in them, and the output of each slice is hashed in one
 * update. Why: on mail full of WSP runs (most lines need a change) a JavaScript byte loop, and
 * before it native searches with regular expressions, ran at 5 to 15 % of SHA-256's speed. The
 * JavaScript loop below does the same and is used where WebAssembly SIMD is not available.
 * The state carried between chunks: a CR at a chunk's end (its LF may start the next), a pending
 * WSP run, the empty lines not yet emitted (they may be the body's trailing ones) and whether the
 * current line has content.
 */
class RelaxedBody implements BodyCanonicalizer {
  readonly canon = 'relaxed' as const
  readonly sink = new BodySink()
  readonly #kernel: RelaxedKernel | null
  #cr = false
  #wsp = false
  #emptyLines = 0
  #lineHasContent = false

  constructor(kernel: RelaxedKernel | null) {
    this.#kernel = kernel
  }

  write(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    if (this.#kernel) this.#writeKernel(chunk, this.#kernel)
    else this.#writeLoop(chunk)
  }

  #flushEmptyLines(): void {
    while (this.#emptyLines > 0) {
      const lines = Math.min(this.#emptyLines, CRLF_BLOCK.length / 2)
      this.sink.push(CRLF_BLOCK, 0, 2 * lines)
      this.#emptyLines -= lines
    }
  }

  /** Slice by slice through the kernel; held empty lines stay here (the kernel stops before content). */
  #writeKernel(chunk: Uint8Array, kernel: RelaxedKernel): void {
    for (let at = 0; at < chunk.length; at += SLICE_BYTES) {
      const slice = chunk.subarray(at, Math.min(chunk.length, at + SLICE_BYTES))
      kernel.input.set(slice)
      let from = 0
      for (;;) {
        const flags =
          (this.#wsp ? WSP_PENDING : 0) |
          (this.#lineHasContent ? LINE_HAS_CONTENT : 0) |
          (this.#cr ? CR_PENDING : 0) |
          (this.#emptyLines > 0 ? EMPTY_LINES_HELD : 0)
        const length = kernel.run(from, slice.length, flags)
        const after = kernel.flags()
        this.#wsp = (after & WSP_PENDING) !== 0
        this.#lineHasContent = (after & LINE_HAS_CONTENT) !== 0
        this.#cr = (after & CR_PENDING) !== 0
        this.#emptyLines += kernel.emptyLines()
        if (length > 0) this.sink.push(kernel.output, 0, length)
        from = kernel.stoppedAt()
        if (from >= slice.length) break
        // Content follows the held empty lines: they are inner lines after all.
        this.#flushEmptyLines()
      }
    }
  }

  /** The same state machine in JavaScript, writing into the shared scratch buffer. */
  #writeLoop(chunk: Uint8Array): void {
    const n = chunk.length
    // Output never exceeds the input, plus the held empty lines and a carried CR (with its SP).
    const out = reserve(n + 2 * this.#emptyLines + 8)
    let o = 0
    let wsp = this.#wsp
    let empty = this.#emptyLines
    let content = this.#lineHasContent
    let i = 0
    if (this.#cr) {
      this.#cr = false
      if (chunk[0] === LF) {
        // The CRLF was cut by the chunk boundary.
        i = 1
        wsp = false
        if (content) {
          out[o++] = CR
          out[o++] = LF
          content = false
        } else empty++
      } else {
        // A bare CR is content; the byte after it is handled by the loop.
        for (; empty > 0; empty--) {
          out[o++] = CR
          out[o++] = LF
        }
        if (wsp) out[o++] = SP
        wsp = false
        out[o++] = CR
        content = true
      }
    }
    for (; i < n; i++) {
      const c = chunk[i] as number
      if (c === SP || c === HTAB) {
        wsp = true
        continue
      }
      if (c === CR) {
        if (i + 1 === n) {
          // Its LF, if any, is in the next chunk.
          this.#cr = true
          break
        }
        if (chunk[i + 1] === LF) {
          i++
          // WSP before the CRLF is dropped; an empty line is held until content follows.
          wsp = false
          if (content) {
            out[o++] = CR
            out[o++] = LF
            content = false
          } else empty++
          continue
        }
        // A bare CR: an ordinary byte, below.
      }
      if (!content) {
        for (; empty > 0; empty--) {
          out[o++] = CR
          out[o++] = LF
        }
        content = true
      }
      if (wsp) {
        out[o++] = SP
        wsp = false
      }
      out[o++] = c
    }
    this.#wsp = wsp
    this.#emptyLines = empty
    this.#lineHasContent = content
    this.sink.push(out, 0, o)
  }

  end(): void {
    if (this.#cr) {
      // A bare CR ends the body: it is content.
      this.#flushEmptyLines()
      if (this.#wsp) this.sink.push(SP_CR, 0, 2)
      else this.sink.push(SP_CR, 1, 2)
      this.#lineHasContent = true
    }
    // Trailing WSP of a last line without CRLF is dropped like any line's (dkimpy keeps it).
    if (this.#lineHasContent) this.sink.push(CRLF, 0, 2)
    this.sink.finish()
  }
}

export function bodyCanonicalizer(canon: Canon): BodyCanonicalizer {
  return canon === 'simple' ? new SimpleBody() : new RelaxedBody(relaxedKernel())
}

/** Relaxed canonicalization by the JavaScript loop alone (tests compare it with the kernel). */
export function relaxedLoopCanonicalizer(): BodyCanonicalizer {
  return new RelaxedBody(null)
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
