// One direction of a tunnel connection: the source socket's chunks through a protocol filter
// into the target socket, without a stream layer in between (a Transform per direction cost more
// CPU per chunk and memory per idle connection). A chunk's output is usually the chunk itself or
// one slice of it. Bulk data leaves once per loop turn, not per chunk: TLS hands over one 16 KiB
// record per chunk, up to ~75 of them per turn on a download, and a write each was the largest
// cost of the tunnel (a system call per 16 KiB, slow in a virtual machine).
// - From an upstream read into an arena (read-arena.ts), consecutive records lie one after the
//   other in memory: what the filter passes unchanged grows one run, written as one slice when the
//   turn ends (or the arena is wanted again). No buffer per record, no copy.
// - From a socket's 'data' events toward the client, the target is corked from the first bulk
//   chunk of a turn until the turn ends (setImmediate), so the turn's chunks leave in one writev.
//   Toward TLS each chunk (a 64 KiB read) is one write already: four records, one system call.
// Small chunks (commands, answers) go at once: holding them to the turn's end cost an interactive
// round trip about 15 µs.
// Backpressure: while the target holds more than PUMP_PAUSE_BYTES unsent, the source is paused
// until the target drains, so nothing buffers without bound. (Not the target's own high-water mark:
// a TLS socket's is 16 KiB, less than one 64 KiB read, so pipe() stopped and restarted an upload
// at every chunk, a loop turn each time.)
import type net from 'node:net'
import type tls from 'node:tls'
import { CORK_FROM_BYTES, PUMP_PAUSE_BYTES } from './limits.js'
import type { LineStream } from './line-stream.js'
import type { ReadArena } from './read-arena.js'

export interface Pump {
  /** Ends the target once (after what the filter still holds): the source ended or went away. */
  end(): void
}

export function pump(
  source: net.Socket,
  filter: LineStream,
  target: net.Socket,
  onError: (error: Error) => void,
  arena: ReadArena | null = null,
): Pump {
  let ended = false
  let waiting = false
  let corked = false
  // Not toward TLS: Node's TLS writev copies the chunks into one new buffer before encrypting,
  // while one 64 KiB write is encrypted as it is into four records and sent in one system call
  // (measured on SMTP DATA: 3.1-3.3 ms of CPU per MiB corked, 2.7-3.1 not).
  const corkable = !(target as Partial<tls.TLSSocket>).encrypted
  // The arena's bytes passed on but not yet written: [runStart, runEnd) of runMemory.
  let runMemory: ArrayBufferLike | null = null
  let runStart = 0
  let runEnd = 0
  let runQueued = false
  // The memory of the arena read being filtered (null for any other chunk).
  let reading: ArrayBufferLike | null = null

  const writeRun = () => {
    if (runMemory !== null && !target.destroyed)
      target.write(Buffer.from(runMemory, runStart, runEnd - runStart))
    runMemory = null
  }
  const endOfTurn = () => {
    runQueued = false
    writeRun()
  }
  const resume = () => {
    waiting = false
    if (!source.destroyed) source.resume()
  }
  const uncork = () => {
    corked = false
    target.uncork()
  }
  const filterChunk = (chunk: Buffer): void => {
    try {
      filter.write(chunk)
    } catch (error) {
      onError(error as Error)
      return
    }
    if (!waiting && target.writableNeedDrain && target.writableLength > PUMP_PAUSE_BYTES) {
      waiting = true
      source.pause()
      target.once('drain', resume)
    }
  }

  // Also called by the other direction's filter (a local refusal injected toward this target).
  filter.sink = (data) => {
    if (ended || target.destroyed || data.length === 0) return
    if (reading !== null && data.buffer === reading) {
      if (runMemory === reading && data.byteOffset === runEnd) {
        runEnd += data.length
        return
      }
      writeRun()
      runMemory = reading
      runStart = data.byteOffset
      runEnd = runStart + data.length
      if (!runQueued) {
        runQueued = true
        setImmediate(endOfTurn)
      }
      return
    }
    writeRun()
    target.write(data)
  }

  if (arena)
    arena.attach({
      read: (chunk, inArena) => {
        reading = inArena ? chunk.buffer : null
        filterChunk(chunk)
        reading = null
      },
      release: () => {
        writeRun()
        return target.writableLength === 0
      },
    })
  else
    source.on('data', (chunk: Buffer) => {
      // A full TLS record or more: bulk, whose turn goes out in one writev (see above).
      if (corkable && !corked && chunk.length >= CORK_FROM_BYTES) {
        corked = true
        target.cork()
        setImmediate(uncork)
      }
      filterChunk(chunk)
    })

  const end = () => {
    if (ended) return
    filter.end()
    writeRun()
    ended = true
    if (!target.destroyed) target.end()
  }
  source.once('end', end)
  source.resume()
  return { end }
}
