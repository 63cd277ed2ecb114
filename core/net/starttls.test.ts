// The upgrader against hostile loopback servers: injection after the OK, refusal, PREAUTH,
// no STARTTLS offered. Each ends in its own NetError kind, never in plaintext use.
import { afterEach, describe, expect, it } from 'vitest'
import { NetError } from './errors.js'
import { connectStartTls } from './starttls.js'
import { hostileServers, lines } from './test-support/hostile-server.js'

const hostile = hostileServers()
afterEach(() => hostile.closeAll())

/** A line-based fake server: `greet` is sent on connect; `answer` maps each command line to a reply. */
function lineServer(greet: string, answer: (line: string) => string | null): Promise<number> {
  return hostile.serve(
    lines(greet, (line, socket) => {
      const reply = answer(line)
      if (reply !== null) socket.write(reply)
    }),
  )
}

async function kindOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(NetError)
  return (error as NetError).kind
}

const opts = { rejectUnauthorized: true, timeoutMs: 2_000, injectionWatchMs: 100 }

describe('connectStartTls', () => {
  it('refuses bytes injected after the IMAP STARTTLS OK', async () => {
    const port = await lineServer('* OK ready\r\n', (line) => {
      const [tag, command] = line.split(' ')
      if (command === 'CAPABILITY') return `* CAPABILITY IMAP4rev1 STARTTLS\r\n${tag} OK done\r\n`
      if (command === 'STARTTLS')
        return `${tag} OK Begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n`
      return null
    })
    const error = await connectStartTls({ host: '127.0.0.1', port }, 'imap', opts).catch((e: NetError) => e)
    expect(error).toBeInstanceOf(NetError)
    expect((error as NetError).kind).toBe('injection')
    expect((error as NetError).data?.toString()).toContain('injected')
  })

  it('refuses SMTP injection after 220 (the classic "220 ready\\r\\n250 ..." trick)', async () => {
    const port = await lineServer('220 mx ESMTP\r\n', (line) => {
      if (line.startsWith('EHLO')) return '250-mx\r\n250 STARTTLS\r\n'
      if (line === 'STARTTLS') return '220 go ahead\r\n250 injected\r\n'
      return null
    })
    expect(await kindOf(connectStartTls({ host: '127.0.0.1', port }, 'smtp', opts))).toBe('injection')
  })

  it('never uses a server that does not offer STARTTLS, even if its greeting says the word', async () => {
    const port = await lineServer('+OK POP3 ready, we love STARTTLS and STLS\r\n', (line) =>
      line === 'CAPA' ? '+OK\r\nUSER\r\nTOP\r\n.\r\n' : '-ERR no\r\n',
    )
    expect(await kindOf(connectStartTls({ host: '127.0.0.1', port }, 'pop3', opts))).toBe('starttls-refused')
  })

  it('reports a refused STARTTLS', async () => {
    const port = await lineServer('220 mx\r\n', (line) =>
      line.startsWith('EHLO') ? '250-mx\r\n250 STARTTLS\r\n' : '454 TLS not available\r\n',
    )
    expect(await kindOf(connectStartTls({ host: '127.0.0.1', port }, 'smtp', opts))).toBe('starttls-refused')
  })

  it('refuses an IMAP PREAUTH greeting', async () => {
    const port = await lineServer('* PREAUTH logged in as alice\r\n', () => null)
    expect(await kindOf(connectStartTls({ host: '127.0.0.1', port }, 'imap', opts))).toBe('preauth')
  })

  it('marks a refused session by its id, not by its sentence (the tunnel check keys on it)', async () => {
    const port = await lineServer('554 no mail service here\r\n', () => null)
    const error = await connectStartTls({ host: '127.0.0.1', port }, 'smtp', opts).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetError)
    expect((error as NetError).kind).toBe('protocol')
    expect((error as NetError).id).toBe('session-refused')
  })

  it('ends a stalled handshake within the timeout', async () => {
    const port = await lineServer('* OK ready\r\n', (line) => {
      const [tag, command] = line.split(' ')
      if (command === 'CAPABILITY') return `* CAPABILITY IMAP4rev1 STARTTLS\r\n${tag} OK done\r\n`
      if (command === 'STARTTLS') return `${tag} OK Begin TLS\r\n`
      return null // then silence: the ClientHello is never answered
    })
    const started = Date.now()
    expect(
      await kindOf(connectStartTls({ host: '127.0.0.1', port }, 'imap', { ...opts, timeoutMs: 500 })),
    ).toBe('timeout')
    expect(Date.now() - started).toBeLessThan(3_000)
  })
})
