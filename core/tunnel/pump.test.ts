// The pump between two real loopback sockets: bytes arrive intact and in order, capability lines
// are still rewritten, and a target that is not read pauses the source instead of buffering.
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createFilters } from './filters.js'
import { pump } from './pump.js'
import { CommandRecorder } from './recorder.js'

const sockets: net.Socket[] = []
const servers: net.Server[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

/** Two connected sockets: [the side we use, its peer]. */
async function pair(): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer({ pauseOnConnect: true })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r))
  const near = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1')
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
})
