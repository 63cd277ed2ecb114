// One direction of a tunnel connection: the source socket's chunks through a protocol filter
// into the target socket, without a stream layer in between (a Transform per direction cost more
// CPU per chunk and memory per idle connection). A chunk's output is usually one slice of it, one
// write; when the filter splits it (a rewritten capability line between two slices), the pieces
// after the first are corked into one writev, so a chunk costs at most two TLS records / syscalls.
// Backpressure: while the target holds more than STREAM_BUFFER_BYTES unsent, the source is paused
// until the target drains, so nothing buffers without bound. (Not the target's own high-water mark:
// a TLS socket's is 16 KiB, less than one 64 KiB read, so pipe() stopped and restarted an upload
// at every chunk, a loop turn each time.)
import type net from 'node:net'
import { STREAM_BUFFER_BYTES } from './limits.js'
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
  // Inside this direction's 'data' handler: pieces written for the current chunk.
  let feeding = false
  let pieces = 0
  const resume = () => {
    waiting = false
    if (!source.destroyed) source.resume()
  }
  // Also called by the other direction's filter (a local refusal injected toward this target).
  filter.sink = (data) => {
    if (ended || target.destroyed || data.length === 0) return
    if (feeding && ++pieces === 2) target.cork()
    target.write(data)
  }
  source.on('data', (chunk: Buffer) => {
    feeding = true
    pieces = 0
    try {
      filter.write(chunk)
    } catch (error) {
      onError(error as Error)
      return
    } finally {
      feeding = false
      if (pieces >= 2) target.uncork()
    }
    if (!waiting && target.writableNeedDrain && target.writableLength > STREAM_BUFFER_BYTES) {
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
