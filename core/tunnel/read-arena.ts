// Where the upstream's decrypted bytes land (Node's `onread` option of tls.connect), instead of a
// new 16 KiB buffer per TLS record. Measured on a POP3 download through a plain relay: a buffer per
// record cost about 1 ms of CPU per MiB (allocation, and the old-generation GCs that free their
// memory), more than the decryption. A quiet connection reads into one buffer shared by all of
// them and its few bytes are copied out (an idle session costs nothing here); once a read is
// bulk, the connection gets an arena of its own: each record is written after the one before, so
// the pump can send a loop turn's records as one slice of it, with no copy. The arena is reused
// from its start once every write of it has completed, else replaced; it is let go when the
// connection is quiet again.
import { ARENA_BYTES, BULK_READ_BYTES } from './limits.js'

/** The most one read hands over: OpenSSL's record, as Node's TLS layer copies it out. */
const RECORD_BYTES = 16 * 1024
/** Quiet connections read here, one at a time (a read is copied out before the next one). */
const shared = Buffer.allocUnsafeSlow(RECORD_BYTES)

export interface ArenaConsumer {
  /** One read. `inArena`: the bytes stay valid until release() next says the arena is free. */
  read(chunk: Buffer, inArena: boolean): void
  /** The arena is about to be reused from its start: hand every pending slice to the socket;
   * true when none is still being written (so its memory can be read into again). */
  release(): boolean
}

export class ReadArena {
  /** Given to tls.connect. */
  readonly onread = {
    buffer: (): Buffer => this.#next(),
    // Pausing is the consumer's socket.pause(), which stops reading (also with onread).
    callback: (n: number, buffer: Uint8Array): true => this.#read(n, buffer as Buffer),
  }
  #consumer: ArenaConsumer | null = null
  /** Reads before a consumer came (a server that greets at once): copies, handed over first. */
  #early: Buffer[] = []
  #arena: Buffer | null = null
  /** Where the next read lands in the arena. */
  #offset = 0
  #bulk = false

  /** From now on reads go to `consumer`, the early ones first. */
  attach(consumer: ArenaConsumer): void {
    this.#consumer = consumer
    for (const chunk of this.#early.splice(0)) consumer.read(chunk, false)
  }

  #next(): Buffer {
    if (!this.#bulk) {
      this.#arena = null
      return shared
    }
    if (this.#arena === null || this.#offset + RECORD_BYTES > this.#arena.length) {
      // Reused when nothing refers to it any more; else a new one (the old one is freed with the
      // last write of it).
      if (this.#arena === null || !this.#consumer?.release())
        this.#arena = Buffer.allocUnsafeSlow(ARENA_BYTES)
      this.#offset = 0
    }
    return this.#arena.subarray(this.#offset, this.#offset + RECORD_BYTES)
  }

  #read(n: number, buffer: Buffer): true {
    const inArena = buffer !== shared
    const chunk = inArena ? buffer.subarray(0, n) : Buffer.from(shared.subarray(0, n))
    if (inArena) this.#offset += n
    this.#bulk = n >= BULK_READ_BYTES
    if (this.#consumer) this.#consumer.read(chunk, inArena)
    else this.#early.push(inArena ? Buffer.from(chunk) : chunk)
    return true
  }
}
