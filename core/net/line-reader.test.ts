import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { NetError } from './errors.js'
import { LineReader } from './line-reader.js'

const servers: net.Server[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
})

/** A loopback server that runs `script` on each connection; returns a connected client socket. */
async function connectTo(script: (socket: net.Socket) => void): Promise<net.Socket> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {})
    script(socket)
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  const client = net.connect(port, '127.0.0.1')
  client.on('error', () => {})
  await new Promise((resolve) => client.once('connect', resolve))
  return client
}

async function failure(promise: Promise<unknown>): Promise<NetError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(NetError)
  return error as NetError
}

describe('LineReader', () => {
  it('reads CRLF and bare LF lines split across chunks', async () => {
    const client = await connectTo((s) => {
      s.write('* OK hel')
      setTimeout(() => s.write('lo\r\nsecond\nthird\r\n'), 20)
    })
    const reader = new LineReader(client, 'test')
    expect(await reader.readLine()).toBe('* OK hello')
    expect(await reader.readLine()).toBe('second')
    expect(await reader.readLine()).toBe('third')
    client.destroy()
  })

  it('ends an endless line at the line cap', async () => {
    const client = await connectTo((s) => {
      const timer = setInterval(() => s.write('x'.repeat(1000)), 1)
      s.on('close', () => clearInterval(timer))
    })
    const reader = new LineReader(client, 'test', { maxLineBytes: 4096 })
    const error = await failure(reader.readLine())
    expect(error.kind).toBe('line-too-long')
    client.destroy()
  })

  it('ends an endless stream of short lines at the total cap', async () => {
    const client = await connectTo((s) => {
      const timer = setInterval(() => s.write('220-spam\r\n'.repeat(100)), 1)
      s.on('close', () => clearInterval(timer))
    })
    const reader = new LineReader(client, 'test', { maxTotalBytes: 20_000 })
    let error: NetError | null = null
    for (let i = 0; i < 10_000 && !error; i++) {
      error = await reader.readLine().then(
        () => null,
        (e: NetError) => e,
      )
    }
    expect(error?.kind).toBe('too-much-data')
    client.destroy()
  })

  it('times out a slow drip within the per-line deadline, not per chunk', async () => {
    const client = await connectTo((s) => {
      const timer = setInterval(() => s.write('x'), 20)
      s.on('close', () => clearInterval(timer))
    })
    const reader = new LineReader(client, 'test', { readTimeoutMs: 300 })
    const started = Date.now()
    const error = await failure(reader.readLine())
    expect(error.kind).toBe('timeout')
    expect(error.message).toMatch(/unfinished line/)
    expect(Date.now() - started).toBeLessThan(2_000)
    client.destroy()
  })

  it('reports a close in the middle of the dialogue', async () => {
    const client = await connectTo((s) => s.end('+OK partial'))
    const reader = new LineReader(client, 'test')
    expect((await failure(reader.readLine())).kind).toBe('closed')
  })

  it('hands back unread bytes on detach and reads nothing more', async () => {
    const client = await connectTo((s) => s.write('a1 OK Begin TLS\r\n* injected\r\n'))
    const reader = new LineReader(client, 'test')
    expect(await reader.readLine()).toBe('a1 OK Begin TLS')
    await new Promise((r) => setTimeout(r, 50))
    expect(reader.detach().toString()).toBe('* injected\r\n')
    expect(client.listenerCount('data')).toBe(0)
    client.destroy()
  })

  it('stops at once when cancelled', async () => {
    const client = await connectTo(() => {})
    const controller = new AbortController()
    const reader = new LineReader(client, 'test', {}, controller.signal)
    const pending = reader.readLine()
    controller.abort()
    expect((await failure(pending)).kind).toBe('cancelled')
    client.destroy()
  })
})
