// The pump between two real loopback sockets: bytes arrive intact and in order, capability lines
// are still rewritten, and a target that is not read pauses the source instead of buffering; also
// from a source that reads into an arena (read-arena.ts), whose memory is reused.
import { createHash } from 'node:crypto'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createFilters } from './filters.js'
import { pump } from './pump.js'
import { ReadArena } from './read-arena.js'
import { CommandRecorder } from './recorder.js'

const sockets: net.Socket[] = []
const servers: net.Server[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

/** Two connected sockets: [the side we use, its peer]; the near side reads into `arena` if given. */
async function pair(arena?: ReadArena): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer({ pauseOnConnect: true })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r))
  const port = (server.address() as net.AddressInfo).port
  const near = net.connect({ port, host: '127.0.0.1', onread: arena?.onread })
  const far = await accepted
  await new Promise((r) => near.once('connect', r))
  sockets.push(near, far)
  return [near, far]
}

function collect(socket: net.Socket): { bytes: () => Buffer; ended: Promise<void> } {
  const parts: Buffer[] = []
  socket.on('data', (b: Buffer) => parts.push(b))
  socket.resume()
  return { bytes: () => Buffer.concat(parts), ended: new Promise((r) => socket.once('end', () => r())) }
}

describe('pump', () => {
  it('passes a large literal intact after a rewritten capability line, then the half-close', async () => {
    const [sender, source] = await pair()
    const [target, receiver] = await pair()
    const { fromServer } = createFilters('imap', { recorder: new CommandRecorder(), serverGreets: true })
    pump(source, fromServer, target, (error) => {
      throw error
    })
    const got = collect(receiver)
    const literal = Buffer.alloc(3 * 1024 * 1024, 'z')
    literal.write('* CAPABILITY STARTTLS\r\n', 1000, 'latin1') // inside the literal: data
    sender.write(
      `* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] hi\r\n* 1 FETCH (BODY[] {${literal.length}}\r\n`,
    )
    sender.write(literal)
    sender.end(')\r\na1 OK done\r\n')
    await got.ended
    const expected = Buffer.concat([
      Buffer.from(`* OK [CAPABILITY IMAP4rev1] hi\r\n* 1 FETCH (BODY[] {${literal.length}}\r\n`, 'latin1'),
      literal,
      Buffer.from(')\r\na1 OK done\r\n', 'latin1'),
    ])
    expect(got.bytes().equals(expected)).toBe(true)
  })

  it('sends bulk chunks of one loop turn in one write, and a small answer at once', async () => {
    const [sender, source] = await pair()
    const [target, receiver] = await pair()
    const { fromServer } = createFilters('imap', { recorder: new CommandRecorder(), serverGreets: false })
    pump(source, fromServer, target, (error) => {
      throw error
    })
    // What the socket hands to the system: one call per write or writev.
    const calls: number[] = []
    const write = target._write.bind(target)
    const writev = target._writev?.bind(target)
    target._write = (chunk, encoding, done) => {
      calls.push(1)
      write(chunk, encoding, done)
    }
    target._writev = (chunks, done) => {
      calls.push(chunks.length)
      writev?.(chunks, done)
    }
    const got = collect(receiver)
    // A small answer: written at once, not held to the end of the turn.
    sender.write('a1 OK NOOP completed\r\n')
    for (let i = 0; i < 50 && got.bytes().length === 0; i++) await new Promise((r) => setTimeout(r, 10))
    expect(calls).toEqual([1])
    // In one turn, as TLS hands them over after one read: a short line (at once), then four
    // full records, which leave together in one writev when the turn ends.
    const head = `* 1 FETCH (BODY[] {${4 * 16384}}\r\n`
    source.emit('data', Buffer.from(head))
    for (let i = 0; i < 4; i++) source.emit('data', Buffer.alloc(16384, 'x'))
    await new Promise((r) => setImmediate(r))
    expect(calls.slice(1)).toEqual([1, 4])
    sender.end()
    await got.ended
    expect(got.bytes().length).toBe('a1 OK NOOP completed\r\n'.length + head.length + 4 * 16384)
  })

  it('pauses the source while the target is not read, and resumes when it is', async () => {
    const [sender, source] = await pair()
    const [target, receiver] = await pair()
    const { fromClient } = createFilters('imap', { recorder: new CommandRecorder(), serverGreets: true })
    pump(source, fromClient, target, (error) => {
      throw error
    })
    const total = 16 * 1024 * 1024
    sender.write(`a1 APPEND INBOX {${total}+}\r\n`)
    const block = Buffer.alloc(256 * 1024, 'y')
    for (let sent = 0; sent < total; sent += block.length) sender.write(block)
    // Nobody reads `receiver`: once the kernel buffers are full the source must be paused and the
    // target's own buffer stay near its high-water mark (one batch of chunks at most past it).
    await new Promise((r) => setTimeout(r, 300))
    expect(source.isPaused()).toBe(true)
    expect(target.writableLength).toBeLessThan(target.writableHighWaterMark + 1024 * 1024)
    const got = collect(receiver)
    sender.end()
    await got.ended
    expect(got.bytes().length).toBe(`a1 APPEND INBOX {${total}+}\r\n`.length + total)
  })

  describe('from an arena', () => {
    /** A POP3 answer of `lines` ordinary lines, some dot-stuffed, each line numbered. */
    function body(lines: number): Buffer {
      const parts = ['+OK message follows\r\n']
      for (let i = 0; i < lines; i++)
        parts.push(`${i % 97 === 0 ? '..' : ''}line ${i} ${'abcdefghij'.repeat(1 + (i % 7))}\r\n`)
      parts.push('.\r\n')
      return Buffer.from(parts.join(''), 'latin1')
    }
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

    /** A server socket read into an arena, pumped through `protocol`'s filters to a client socket. */
    async function fromArena(protocol: 'imap' | 'pop3') {
      const arena = new ReadArena()
      const [source, sender] = await pair(arena)
      const [target, receiver] = await pair()
      const filters = createFilters(protocol, { recorder: new CommandRecorder(), serverGreets: true })
      const start = () =>
        pump(
          source,
          filters.fromServer,
          target,
          (error) => {
            throw error
          },
          arena,
        )
      return { source, sender, target, receiver, filters, start }
    }

    it('passes a download intact, in runs of the arena, while the client reads slowly', async () => {
      const { source, sender, target, receiver, filters, start } = await fromArena('pop3')
      start()
      const writes: number[] = []
      const write = target._write.bind(target)
      target._write = (chunk, encoding, done) => {
        writes.push(chunk.length)
        write(chunk, encoding, done)
      }
      filters.fromClient.write(Buffer.from('RETR 1\r\n')) // the answer that follows is multi-line
      const answer = body(200_000) // ~11 MiB: arenas fill, are reused or replaced
      const parts: Buffer[] = []
      // The client stops reading for a while, then reads: the arena must not be reused under
      // writes still queued, and the source is paused meanwhile.
      receiver.on('data', (b: Buffer) => parts.push(b))
      receiver.pause()
      sender.write(Buffer.from('+OK hello\r\n'))
      sender.end(answer)
      await new Promise((r) => setTimeout(r, 300))
      expect(source.isPaused()).toBe(true)
      // Then in trickles, so that writes are still queued when the arena fills up again.
      const trickle = setInterval(() => (receiver.isPaused() ? receiver.resume() : receiver.pause()), 2)
      await new Promise((r) => receiver.once('end', r))
      clearInterval(trickle)
      const got = Buffer.concat(parts)
      const expected = Buffer.concat([Buffer.from('+OK hello\r\n'), answer])
      expect(got.length).toBe(expected.length)
      expect(sha(got)).toBe(sha(expected))
      // Runs, not a write per read: far fewer writes than the 16 KiB reads it took.
      expect(writes.length).toBeLessThan(expected.length / (16 * 1024) / 2)
    })

    it('copies out the reads of a quiet connection, and rewrites the lines it must', async () => {
      const { sender, receiver, start } = await fromArena('imap')
      start()
      const got = collect(receiver)
      // Small answers one at a time (each read lands in the buffer quiet connections share),
      // then a bulk literal, then small again.
      sender.write('* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] hi\r\n')
      await new Promise((r) => setTimeout(r, 20))
      const literal = Buffer.alloc(2 * 1024 * 1024)
      for (let i = 0; i < literal.length; i++) literal[i] = (i * 31 + (i >> 11)) & 0xff
      sender.write(`* 1 FETCH (BODY[] {${literal.length}}\r\n`)
      sender.write(literal)
      sender.write(')\r\na1 OK done\r\n')
      await new Promise((r) => setTimeout(r, 20))
      sender.end('* CAPABILITY IMAP4rev1 STARTTLS\r\na2 OK\r\n')
      await got.ended
      const expected = Buffer.concat([
        Buffer.from(`* OK [CAPABILITY IMAP4rev1] hi\r\n* 1 FETCH (BODY[] {${literal.length}}\r\n`, 'latin1'),
        literal,
        Buffer.from(')\r\na1 OK done\r\n* CAPABILITY IMAP4rev1\r\na2 OK\r\n', 'latin1'),
      ])
      expect(sha(got.bytes())).toBe(sha(expected))
    })

    it('keeps what arrives before the pump starts (a server that greets at once)', async () => {
      const { sender, receiver, start } = await fromArena('pop3')
      sender.write('+OK ready\r\n')
      await new Promise((r) => setTimeout(r, 50))
      start()
      const got = collect(receiver)
      sender.end()
      await got.ended
      expect(got.bytes().toString('latin1')).toBe('+OK ready\r\n')
    })
  })
})
