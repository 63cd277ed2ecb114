// The base of the tunnel's protocol filters: hands each protocol line to a subclass, passes literal
// or BDAT bytes through untouched (no per-chunk copy: unchanged runs of a chunk go out as one
// subarray), and never holds more than MAX_HELD_LINE_BYTES of one line: a longer line cannot be a
// capability line, so it passes through as it comes. Not a stream: the tunnel calls write() from
// the source socket's 'data' and the output goes straight to `sink` (the other socket), so a chunk
// costs no stream layer, and an idle connection holds two small objects, not two Transforms.
import { MAX_HELD_LINE_BYTES } from './limits.js'

const EMPTY = Buffer.alloc(0)
/** Enough of a line's end to read an IMAP literal marker like "{4294967295+}\r\n". */
const TAIL_BYTES = 24
const LF = 0x0a
const CR = 0x0d
const DOT = 0x2e
/** A line that starts with a dot, seen from the end of the line before. */
const LF_DOT = Buffer.from('\n.')

export abstract class LineStream {
  /** Where the filtered bytes go (the socket toward this filter's reader); set by the owner. */
  sink: (data: Buffer) => void = () => {}
  /** Bytes that entered this filter (the side it reads from sent them). */
  bytesIn = 0
  /** Whole lines seen (not counting literal / BDAT bytes): a server that said only its greeting. */
  lines = 0
  /** Bytes to pass through raw before lines resume (IMAP literal, SMTP BDAT chunk). */
  protected raw = 0
  #held: Buffer[] = []
  /** The bytes passed so far ended a line (for dotted bodies, whose chunks end anywhere). */
  #atLineStart = true
  #heldBytes = 0
  #passing = false
  #tail: Buffer = EMPTY

  /**
   * One complete line, with its line ending. Return null to pass it unchanged, or the bytes to
   * send instead (possibly empty: dropped or held back by the subclass).
   */
  protected abstract line(line: Buffer): Buffer | null

  /** A line too long to hold passed through unchanged; `tail` is its last bytes. */
  protected longLine(_tail: Buffer): void {}

  /**
   * True while the bytes are a dot-terminated body (a POP3 multi-line answer, SMTP DATA): only a
   * line that could be its lone "." reaches line(); the rest passes as it comes, found by a byte
   * search for a line that starts with a dot, with no line cut out or turned into a string.
   */
  protected get dottedBody(): boolean {
    return false
  }

  /** Sends bytes of our own toward this filter's reader (a refusal, a rewritten reply). */
  inject(data: Buffer | string): void {
    this.sink(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** One chunk from the source; throws (a sentence) when the peer broke the protocol's bounds. */
  write(chunk: Buffer): void {
    this.bytesIn += chunk.length
    // The common case of bulk transfer: the whole chunk is literal / BDAT bytes, passed as it is.
    if (this.raw > 0 && this.raw >= chunk.length) {
      this.raw -= chunk.length
      this.sink(chunk)
      return
    }
    this.#feed(chunk)
  }

  /** The source ended: a last line without its ending passes on as it is. */
  end(): void {
    if (this.#held.length > 0) this.sink(Buffer.concat(this.#held))
    this.#held = []
    this.#heldBytes = 0
  }

  #feed(chunk: Buffer): void {
    let pos = 0
    // Start of a run of unchanged bytes of this chunk not yet sent.
    let runStart = 0
    const flushRun = (end: number) => {
      // A chunk that passes whole goes on as it is: no view object made for it.
      if (end > runStart)
        this.sink(runStart === 0 && end === chunk.length ? chunk : chunk.subarray(runStart, end))
      runStart = end
    }
    while (pos < chunk.length) {
      if (this.raw > 0) {
        const n = Math.min(this.raw, chunk.length - pos)
        this.raw -= n
        pos += n
        continue
      }
      if (this.#held.length === 0 && !this.#passing && this.dottedBody) {
        const atLineStart = pos === 0 ? this.#atLineStart : chunk[pos - 1] === LF
        const dotLine = possibleDotLine(chunk, pos, atLineStart)
        if (dotLine === -1) {
          pos = chunk.length
          break
        }
        // The lines before it pass in the run; this one is looked at like any other.
        pos = dotLine
      }
      const lf = chunk.indexOf(LF, pos)
      const end = lf === -1 ? chunk.length : lf + 1
      if (this.#passing) {
        this.#keepTail(chunk.subarray(pos, end))
        pos = end
        if (lf !== -1) {
          this.#passing = false
          this.longLine(this.#tail)
          this.#tail = EMPTY
        }
        continue
      }
      if (lf === -1) {
        // An unfinished line: hold it (it may be a capability line) unless it is too long.
        flushRun(pos)
        // A copy: a slice would keep the whole (64 KiB) read buffer alive while the line waits.
        const piece = Buffer.from(chunk.subarray(pos))
        this.#held.push(piece)
        this.#heldBytes += piece.length
        runStart = chunk.length
        pos = chunk.length
        if (this.#heldBytes > MAX_HELD_LINE_BYTES) {
          this.sink(Buffer.concat(this.#held))
          this.#keepTail(piece)
          this.#held = []
          this.#heldBytes = 0
          this.#passing = true
        }
        break
      }
      if (this.#held.length > 0) {
        // The end of a line that began in an earlier chunk.
        this.#held.push(chunk.subarray(pos, end))
        const whole = Buffer.concat(this.#held)
        this.#held = []
        this.#heldBytes = 0
        this.lines++
        const out = this.line(whole)
        this.sink(out ?? whole)
        pos = end
        runStart = end
        continue
      }
      this.lines++
      const out = this.line(chunk.subarray(pos, end))
      if (out !== null) {
        flushRun(pos)
        if (out.length > 0) this.sink(out)
        runStart = end
      }
      pos = end
    }
    flushRun(chunk.length)
    if (chunk.length > 0) this.#atLineStart = chunk[chunk.length - 1] === LF
  }

  #keepTail(piece: Buffer): void {
    if (piece.length >= TAIL_BYTES) this.#tail = Buffer.from(piece.subarray(piece.length - TAIL_BYTES))
    else this.#tail = Buffer.concat([this.#tail, piece]).subarray(-TAIL_BYTES)
  }
}

/**
 * Where, from `pos`, the first line starts that could be a lone "." (a dot followed by CR, LF or
 * the end of the chunk), or -1. A dot-stuffed line ("..") cannot be, so it is not looked at.
 */
export function possibleDotLine(chunk: Buffer, pos: number, atLineStart: boolean): number {
  const couldEnd = (start: number) =>
    start + 1 >= chunk.length || chunk[start + 1] === CR || chunk[start + 1] === LF
  if (atLineStart && chunk[pos] === DOT && couldEnd(pos)) return pos
  for (let from = pos; ; ) {
    const hit = chunk.indexOf(LF_DOT, from)
    if (hit === -1) {
      // A line ending at the very end: the next chunk starts a line (#atLineStart).
      return -1
    }
    if (couldEnd(hit + 1)) return hit + 1
    from = hit + 1
  }
}

/** The line without CR LF, as latin1 (every byte one char: nothing lost, tokens are ASCII). */
export function text(line: Buffer): string {
  let end = line.length
  if (end > 0 && line[end - 1] === 0x0a) end--
  if (end > 0 && line[end - 1] === 0x0d) end--
  return line.toString('latin1', 0, end)
}

/** An IMAP literal announced at the end of a line: {n} or {n+} (LITERAL+), else null. */
export function literalLength(line: string): number | null {
  // Most lines end otherwise: one character compare instead of a regex run.
  if (line.charCodeAt(line.length - 1) !== 0x7d) return null
  const match = /\{(\d{1,12})\+?\}$/.exec(line)
  return match ? Number(match[1]) : null
}

export { EMPTY }
