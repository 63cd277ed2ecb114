// The prober against hostile servers written here, on 127.0.0.1 port 0: each one ends in its own
// finding within the small timeout passed, never a hang, a crash or a plaintext "success".
import type net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { MailProtocol } from '../../shared/contract/accounts.js'
import type { DiscoveredEndpoint, ExpectedSecurity } from '../../shared/contract/probe-target.js'
import { createResolver } from '../dns/resolver.js'
import { hostileServers, lines, type OnConnect } from '../net/test-support/hostile-server.js'
import { HostLimiter } from './discovery/limits.js'
import { ENDPOINT_DEADLINE_FACTOR, type ProbedEndpoint, probeEndpoint } from './endpoint/probe-endpoint.js'
import { loadTrust } from './tls/trust.js'

const TIMEOUT_MS = 400
const SNIFF_MS = 150
/** "No hang": the endpoint's own deadline plus a generous margin for a loaded machine. */
const NO_HANG_MS = TIMEOUT_MS * ENDPOINT_DEADLINE_FACTOR + 2_000

const hostile = hostileServers()
afterEach(() => hostile.closeAll())
const serve = hostile.serve

function endpoint(
  port: number,
  protocol: MailProtocol,
  expected: ExpectedSecurity = 'starttls',
): DiscoveredEndpoint {
  return {
    host: '127.0.0.1',
    port,
    protocol,
    expected,
    source: 'user',
    trusted: true,
    sourceDetail: 'test',
    alsoFrom: [],
    clientSetting: null,
  }
}

const SMALL_CAPS = { maxLineBytes: 1024, maxTotalBytes: 8 * 1024 }

async function probeIt(
  port: number,
  protocol: MailProtocol,
  expected?: ExpectedSecurity,
  limits: { maxLineBytes: number; maxTotalBytes: number } = SMALL_CAPS,
) {
  const started = performance.now()
  const result = await probeEndpoint(endpoint(port, protocol, expected), {
    resolver: createResolver(),
    trust: await loadTrust(null),
    timeoutMs: TIMEOUT_MS,
    limiter: new HostLimiter({ perHost: 4, staggerMs: 0 }),
    greetingSniffMs: SNIFF_MS,
    limits,
  })
  return { result, ms: performance.now() - started }
}

function ids(result: ProbedEndpoint): string[] {
  return result.findings.map((f) => f.id)
}

/** Sends `last`, then reads nothing more and answers nothing. */
function stall(socket: net.Socket, last: string): void {
  socket.removeAllListeners('data')
  socket.write(last)
}

/** IMAP that answers CAPABILITY with `caps` and STARTTLS with `onStartTls`. */
function imap(
  greeting: string,
  caps: string,
  onStartTls: (tag: string, socket: net.Socket) => void,
): OnConnect {
  return lines(greeting, (line, socket) => {
    const [tag, command] = line.split(' ')
    if (command?.toUpperCase() === 'CAPABILITY') socket.write(`* CAPABILITY ${caps}\r\n${tag} OK done\r\n`)
    else if (command?.toUpperCase() === 'STARTTLS') onStartTls(tag ?? '', socket)
    else if (command?.toUpperCase() === 'LOGOUT') socket.end(`* BYE\r\n${tag} OK bye\r\n`)
    else socket.write(`${tag} BAD what\r\n`)
  })
}

describe('hostile endpoints end in a clear finding within the timeout', () => {
  it('an endless banner (one line that never ends) is cut at the line cap', async () => {
    const port = await serve((socket) => {
      const chunk = Buffer.alloc(512, 'A')
      const pump = () => {
        while (!socket.destroyed && socket.write(chunk));
      }
      socket.on('drain', pump)
      socket.write('* OK ')
      pump()
    })
    // A total cap far above the line cap, so the line cap is what stops it.
    const { result, ms } = await probeIt(port, 'imap', 'starttls', {
      maxLineBytes: 1024,
      maxTotalBytes: 1 << 20,
    })
    expect(ids(result)).toContain('endless-line')
    expect(result.verdict).toBe('bad')
    expect(ms).toBeLessThan(NO_HANG_MS)
  })

  it('an endless multi-line SMTP greeting is cut at the byte cap', async () => {
    const port = await serve((socket) => {
      const pump = () => {
        while (!socket.destroyed && socket.write('220-still greeting you\r\n'));
      }
      socket.on('drain', pump)
      pump()
    })
    const { result, ms } = await probeIt(port, 'smtp')
    expect(ids(result)).toContain('too-much-data')
    expect(result.protocol).toBe('smtp')
    expect(ms).toBeLessThan(NO_HANG_MS)
  })

  it('a slow drip that never finishes its greeting line', async () => {
    const port = await serve((socket) => {
      const timer = setInterval(() => socket.write('*'), 50)
      socket.on('close', () => clearInterval(timer))
    })
    const { result, ms } = await probeIt(port, 'imap')
    expect(ids(result)).toContain('slow-reply')
    expect(result.security).toBe('unreachable')
    expect(ms).toBeLessThan(NO_HANG_MS)
  })

  it('a server that never greets (and ignores a TLS handshake)', async () => {
    const port = await serve(() => {})
    const { result, ms } = await probeIt(port, 'imap')
    expect(ids(result)).toEqual(['no-greeting'])
    expect(result.verdict).toBe('bad')
    expect(ms).toBeLessThan(NO_HANG_MS)
  })

  it('a server that sends each line just inside the timeout, forever, hits the endpoint deadline', async () => {
    const port = await serve(
      lines('* OK ready\r\n', (_line, socket) => {
        const timer = setInterval(() => socket.write('* CAPABILITY IMAP4rev1\r\n'), TIMEOUT_MS / 2)
        socket.on('close', () => clearInterval(timer))
      }),
    )
    const { result, ms } = await probeIt(port, 'imap')
    expect(ids(result)).toContain('slow-reply')
    expect(result.reason).toContain(`${TIMEOUT_MS * ENDPOINT_DEADLINE_FACTOR} ms`)
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS * ENDPOINT_DEADLINE_FACTOR - 50)
    expect(ms).toBeLessThan(NO_HANG_MS)
  })

  it('a greeting slower than the sniff window is still read as plaintext, not mistaken for TLS', async () => {
    const port = await serve((socket) => {
      imap('', 'IMAP4rev1 LOGINDISABLED', () => {})(socket)
      setTimeout(() => socket.write('* OK slow but here\r\n'), SNIFF_MS * 2)
    })
    const { result } = await probeIt(port, 'imap')
    expect(result.protocol).toBe('imap')
    expect(result.security).toBe('plaintext')
    expect(ids(result)).toContain('plaintext-only')
  })

  it('garbage instead of a greeting', async () => {
    const port = await serve((socket) => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'))
    const { result } = await probeIt(port, 'pop3')
    expect(ids(result)).toEqual(['not-mail-protocol'])
    expect(result.reason).toContain('HTTP/1.1 400')
  })

  it('a reset right after the connection', async () => {
    const port = await serve((socket) => socket.resetAndDestroy())
    const { result } = await probeIt(port, 'imap')
    expect(ids(result)[0]).toMatch(/^connection-(reset|closed)$/)
    expect(result.verdict).toBe('bad')
  })

  it('STARTTLS offered, then refused', async () => {
    const port = await serve(
      imap('* OK ready\r\n', 'IMAP4rev1 STARTTLS LOGINDISABLED', (tag, socket) =>
        socket.write(`${tag} NO TLS not available today\r\n`),
      ),
    )
    const { result } = await probeIt(port, 'imap')
    expect(result.security).toBe('plaintext')
    expect(ids(result)).toContain('starttls-refused')
    expect(result.reason).toContain('TLS not available today')
    expect(result.verdict).toBe('bad')
  })

  it('bytes injected after the STARTTLS OK are caught and shown', async () => {
    const port = await serve(
      imap('* OK ready\r\n', 'IMAP4rev1 STARTTLS LOGINDISABLED', (tag, socket) =>
        socket.write(`${tag} OK Begin TLS now\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n`),
      ),
    )
    const { result } = await probeIt(port, 'imap')
    expect(ids(result)).toContain('starttls-injection')
    expect(result.injection?.excerpt).toContain('injected')
    expect(result.injection?.bytes).toBeGreaterThan(10)
    expect(result.verdict).toBe('bad')
  })

  it('"STARTTLS" only in the greeting text is not an offer', async () => {
    const port = await serve(
      lines('220 mail.example ESMTP we love STARTTLS\r\n', (line, socket) => {
        if (/^EHLO /i.test(line)) socket.write('250-mail.example hello\r\n250-PIPELINING\r\n250 8BITMIME\r\n')
        else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n')
        else socket.write('502 no\r\n')
      }),
    )
    const { result } = await probeIt(port, 'smtp')
    expect(result.security).toBe('plaintext')
    expect(ids(result)).toEqual(expect.arrayContaining(['plaintext-only', 'starttls-only-in-text']))
    expect(result.transcript.some((l) => l.from === 'client' && l.text === 'STARTTLS')).toBe(false)
  })

  it('a handshake that stalls after the STARTTLS OK', async () => {
    const port = await serve(
      imap('* OK ready\r\n', 'IMAP4rev1 STARTTLS LOGINDISABLED', (tag, socket) =>
        // Then deaf: the ClientHello is never answered (nor parsed as lines).
        stall(socket, `${tag} OK Begin TLS now\r\n`),
      ),
    )
    const { result, ms } = await probeIt(port, 'imap')
    expect(result.security).toBe('starttls')
    expect(ids(result)).toContain('tls-handshake-timeout')
    expect(result.verdict).toBe('bad')
    expect(ms).toBeLessThan(NO_HANG_MS)
  })

  it('a TLS port that accepts the connection and stalls the handshake', async () => {
    const port = await serve(() => {})
    const { result, ms } = await probeIt(port, 'imap', 'implicit-tls')
    expect(ids(result)).toEqual(['tls-handshake-timeout'])
    expect(ms).toBeLessThan(NO_HANG_MS)
  })

  it('a port that speaks POP3 where IMAP was expected is identified from its greeting', async () => {
    const port = await serve(
      lines('+OK POP3 ready\r\n', (line, socket) => {
        if (/^CAPA/i.test(line)) socket.write('+OK\r\nUSER\r\nTOP\r\n.\r\n')
        else if (/^QUIT/i.test(line)) socket.end('+OK bye\r\n')
        else socket.write('-ERR no\r\n')
      }),
    )
    const { result } = await probeIt(port, 'imap')
    expect(result.protocol).toBe('pop3')
    expect(result.expectedProtocol).toBe('imap')
    expect(ids(result)).toEqual(
      expect.arrayContaining(['protocol-mismatch', 'plaintext-only', 'pop3-user-before-tls']),
    )
    expect(result.authBeforeTls).toEqual(['USER'])
  })

  it('nothing listening: refused, a warn, not a crash', async () => {
    const port = await hostile.freePort()
    const { result } = await probeIt(port, 'imap')
    expect(result.security).toBe('unreachable')
    expect(ids(result)).toEqual(['connection-refused'])
    expect(result.verdict).toBe('warn')
  })

  it('leaves no connection open on the server side', async () => {
    const port = await serve(
      imap('* OK ready\r\n', 'IMAP4rev1 STARTTLS', (tag, socket) => stall(socket, `${tag} OK go\r\n`)),
    )
    await probeIt(port, 'imap')
    const deadline = Date.now() + 2_000
    while (hostile.openSockets > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(hostile.openSockets).toBe(0)
  })
})
