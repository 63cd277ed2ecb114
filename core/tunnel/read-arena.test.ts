// The arena as Node drives it (onread: take a buffer, fill it, call back): quiet reads are copies
// out of the shared buffer, bulk reads are consecutive views of one arena, and the arena's memory
// is read into again only when the consumer says no write of it is pending.
import { describe, expect, it } from 'vitest'
import { ARENA_BYTES } from './limits.js'
import { ReadArena } from './read-arena.js'

/** What Node does for one read of `bytes`: fills the buffer it was given, then calls back. */
function deliver(arena: ReadArena, bytes: Buffer, buffer: Buffer): Buffer {
  bytes.copy(buffer)
  arena.onread.callback(bytes.length, buffer)
  return arena.onread.buffer() // the buffer for the next read
}

function consumer(free: () => boolean) {
  const reads: { chunk: Buffer; inArena: boolean }[] = []
  let releases = 0
  return {
    reads,
    releases: () => releases,
    read: (chunk: Buffer, inArena: boolean) => reads.push({ chunk, inArena }),
    release: () => {
      releases++
      return free()
    },
  }
}

const record = (fill: number) => Buffer.alloc(16 * 1024, fill)

describe('ReadArena', () => {
  it('copies a quiet read out of the shared buffer, and keeps reads made before a consumer came', () => {
    const arena = new ReadArena()
    let buffer = arena.onread.buffer()
    buffer = deliver(arena, Buffer.from('+OK hi\r\n'), buffer)
    const c = consumer(() => true)
    arena.attach(c)
    deliver(arena, Buffer.from('+OK 2\r\n'), buffer)
    expect(c.reads.map((r) => r.chunk.toString())).toEqual(['+OK hi\r\n', '+OK 2\r\n'])
    expect(c.reads.every((r) => !r.inArena && r.chunk.buffer !== buffer.buffer)).toBe(true)
  })

  it('puts bulk reads one after the other in an arena, reused when its writes are done', () => {
    const arena = new ReadArena()
    const c = consumer(() => true)
    arena.attach(c)
    let buffer = deliver(arena, record(1), arena.onread.buffer()) // bulk: the next read goes to an arena
    const memory = buffer.buffer
    const reads = ARENA_BYTES / (16 * 1024)
    for (let i = 0; i < reads; i++) {
      expect(buffer.buffer).toBe(memory)
      expect(buffer.byteOffset).toBe(i * 16 * 1024)
      buffer = deliver(arena, record(2), buffer)
    }
    // Full: the consumer was asked, said free, and the same memory is read into from its start.
    expect(c.releases()).toBe(1)
    expect(buffer.buffer).toBe(memory)
    expect(buffer.byteOffset).toBe(0)
    expect(c.reads.slice(1).every((r) => r.inArena && r.chunk.buffer === memory)).toBe(true)
  })

  it('takes a new arena when a write of the old one is still pending, and lets it go when quiet', () => {
    const arena = new ReadArena()
    const c = consumer(() => false)
    arena.attach(c)
    let buffer = deliver(arena, record(1), arena.onread.buffer())
    const first = buffer.buffer
    for (let i = 0; i < ARENA_BYTES / (16 * 1024); i++) buffer = deliver(arena, record(2), buffer)
    expect(c.releases()).toBe(1)
    expect(buffer.buffer).not.toBe(first)
    // What was read into the first arena is untouched.
    expect(c.reads.slice(1).every((r) => r.chunk[0] === 2 && r.chunk.length === 16 * 1024)).toBe(true)
    // A small read: the connection is quiet again and reads into the shared buffer.
    buffer = deliver(arena, Buffer.from('+OK\r\n'), buffer)
    const shared = buffer
    expect(deliver(arena, Buffer.from('+OK\r\n'), buffer)).toBe(shared)
    expect(new ReadArena().onread.buffer()).toBe(shared)
  })
})
