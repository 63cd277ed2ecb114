// One direction of a tunnel connection: the source socket's chunks through a protocol filter
// into the target socket, without a stream layer in between (a Transform per direction cost more
// CPU per chunk and memory per idle connection). A chunk's output is usually the chunk itself or
// one slice of it. The target is corked from the first chunk of a loop turn until the turn ends
// (setImmediate): TLS hands over one 16 KiB record per chunk, about 75 of them per turn on a bulk
// download, and a write each was the largest cost of the tunnel (a system call per 16 KiB, slow in
// a virtual machine); now a turn is one writev (or, toward TLS, one set of records and one write).
// Backpressure: while the target holds more than PUMP_PAUSE_BYTES unsent, the source is paused
// until the target drains, so nothing buffers without bound. (Not the target's own high-water mark:
// a TLS socket's is 16 KiB, less than one 64 KiB read, so pipe() stopped and restarted an upload
// at every chunk, a loop turn each time.)
import type net from 'node:net'
import { CORK_FROM_BYTES, PUMP_PAUSE_BYTES } from './limits.js'
import type { LineStream } from './line-stream.js'

export interface Pump {
  /** Ends the target once (after what the filter still holds): the source ended or went away. */
  end(): void
}

export function pump(
  source: net.Socket,
  filter: LineStream,
  target: net.Socket,
  onError: (error: Error) => void,
): Pump {
  let ended = false
  let waiting = false
  let corked = false
  const resume = () => {
    waiting = false
    if (!source.destroyed) source.resume()
  }
  const uncork = () => {
    corked = false
    target.uncork()
  }
  // Also called by the other direction's filter (a local refusal injected toward this target).
  filter.sink = (data) => {
    if (ended || target.destroyed || data.length === 0) return
    target.write(data)
  }
  source.on('data', (chunk: Buffer) => {
    // Bulk data (a full TLS record or more) that arrives in one turn (a TCP read decrypts into
    // several 16 KiB records, each its own chunk) goes out in one writev when the turn ends: a
    // system call per turn, not per chunk. A small chunk (a command, an answer) goes at once.
    if (!corked && chunk.length >= CORK_FROM_BYTES) {
      corked = true
      target.cork()
      setImmediate(uncork)
    }
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
  })
  const end = () => {
    if (ended) return
    filter.end()
    ended = true
    if (!target.destroyed) target.end()
  }
  source.once('end', end)
  source.resume()
  return { end }
}
