// The base of the tunnel's protocol filters: a Transform that hands each protocol line to a
// subclass, passes literal or BDAT bytes through untouched (no per-chunk copy: unchanged runs of a
// chunk go out as one subarray), and never holds more than MAX_HELD_LINE_BYTES of one line: a
// longer line cannot be a capability line, so it passes through as it comes.
import { Transform, type TransformCallback } from 'node:stream'
import { MAX_HELD_LINE_BYTES, STREAM_BUFFER_BYTES } from './limits.js'

const EMPTY = Buffer.alloc(0)
/** Enough of a line's end to read an IMAP literal marker like "{4294967295+}\r\n". */
const TAIL_BYTES = 24

export abstract class LineStream extends Transform {
  /** Bytes that entered this filter (the side it reads from sent them). */
  bytesIn = 0
  /** Bytes to pass through raw before lines resume (IMAP literal, SMTP BDAT chunk). */
  protected raw = 0
  #held: Buffer[] = []
  #heldBytes = 0
  #passing = false
  #tail: Buffer = EMPTY

  constructor() {
    super({ readableHighWaterMark: STREAM_BUFFER_BYTES, writableHighWaterMark: STREAM_BUFFER_BYTES })
  }

  /**
   * One complete line, with its line ending. Return null to pass it unchanged, or the bytes to
   * send instead (possibly empty: dropped or held back by the subclass).
   */
  protected abstract line(line: Buffer): Buffer | null

  /** A line too long to hold passed through unchanged; `tail` is its last bytes. */
  protected longLine(_tail: Buffer): void {}

  /** Sends bytes of our own toward this filter's reader (a refusal, a rewritten reply). */
  inject(data: Buffer | string): void {
    this.push(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytesIn += chunk.length
    try {
      this.#feed(chunk)
    } catch (error) {
      done(error as Error)
      return
    }
    done()
  }

  override _flush(done: TransformCallback): void {
    // A last line without its ending: pass it on as it is.
    if (this.#held.length > 0) this.push(Buffer.concat(this.#held))
    this.#held = []
    done()
  }

  #feed(chunk: Buffer): void {
    let pos = 0
    // Start of a run of unchanged bytes of this chunk not yet pushed.
    let runStart = 0
    const flushRun = (end: number) => {
      if (end > runStart) this.push(chunk.subarray(runStart, end))
      runStart = end
    }
    while (pos < chunk.length) {
      if (this.raw > 0) {
        const n = Math.min(this.raw, chunk.length - pos)
        this.raw -= n
        pos += n
        continue
      }
      const lf = chunk.indexOf(0x0a, pos)
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
        const piece = chunk.subarray(pos)
        this.#held.push(piece)
        this.#heldBytes += piece.length
        runStart = chunk.length
        pos = chunk.length
        if (this.#heldBytes > MAX_HELD_LINE_BYTES) {
          this.push(Buffer.concat(this.#held))
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
        const out = this.line(whole)
        this.push(out ?? whole)
        pos = end
        runStart = end
        continue
      }
      const out = this.line(chunk.subarray(pos, end))
      if (out !== null) {
        flushRun(pos)
        if (out.length > 0) this.push(out)
        runStart = end
      }
      pos = end
    }
    flushRun(chunk.length)
  }

  #keepTail(piece: Buffer): void {
    if (piece.length >= TAIL_BYTES) this.#tail = Buffer.from(piece.subarray(piece.length - TAIL_BYTES))
    else this.#tail = Buffer.concat([this.#tail, piece]).subarray(-TAIL_BYTES)
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
  const match = /\{(\d{1,12})\+?\}$/.exec(line)
  return match ? Number(match[1]) : null
}

export { EMPTY }
