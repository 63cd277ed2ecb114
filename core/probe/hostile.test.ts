// The prober against hostile servers written here, on 127.0.0.1 port 0: each one ends in its own
// finding within the small timeout passed, never a hang, a crash or a plaintext "success".
import type net from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { MailProtocol } from '../../shared/contract/mail.js'
import type { DiscoveredEndpoint, ExpectedSecurity } from '../../shared/contract/probe-target.js'
import { createResolver } from '../dns/resolver.js'
import {
  hostileServers,
  type LineState,
  lines,
  type OnConnect,
  startTlsLines,
} from '../net/test-support/hostile-server.js'
import { makeTlsMaterial, type TlsMaterial } from '../net/test-support/tls-material.js'
import { type ProbedEndpoint, probeEndpoint } from './endpoint/probe-endpoint.js'
import { ENDPOINT_DEADLINE_FACTOR } from './limits.js'
import { HostLimiter } from './schedule.js'
import { loadTrust } from './tls/trust.js'

const TIMEOUT_MS = 400
const SNIFF_MS = 150
/** "No hang": the endpoint's own deadline plus a generous margin for a loaded machine. */
const NO_HANG_MS = TIMEOUT_MS * ENDPOINT_DEADLINE_FACTOR + 2_000
/** For the byte caps: a read deadline no loaded machine reaches before the flood hits the cap, so
 * the cap (not a timer that fired first while the process waited for a core) ends the dialogue. */
const CAP_TIMEOUT_MS = 5_000

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
  caFile: string | null = null,
  timeoutMs = TIMEOUT_MS,
) {
  const started = performance.now()
  const result = await probeEndpoint(endpoint(port, protocol, expected), {
    resolver: createResolver(),
    trust: await loadTrust(caFile),
    timeoutMs,
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
    const { result, ms } = await probeIt(
      port,
      'imap',
      'starttls',
      { maxLineBytes: 1024, maxTotalBytes: 1 << 20 },
      null,
      CAP_TIMEOUT_MS,
    )
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
    const { result, ms } = await probeIt(port, 'smtp', undefined, SMALL_CAPS, null, CAP_TIMEOUT_MS)
    expect(ids(result)).toContain('too-much-data')
    expect(result.protocol).toBe('smtp')
    expect(ms).toBeLessThan(CAP_TIMEOUT_MS)
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

// Real STARTTLS servers (a real handshake, a certificate from a CA the probe is told to trust)
// that get what they say after TLS wrong: each RFC break is its own finding, never "good".
describe('capabilities after STARTTLS (issue 13)', () => {
  let material: TlsMaterial
  beforeAll(() => {
    material = makeTlsMaterial()
  })
  afterAll(() => material.remove())

  const probeTls = (port: number, protocol: MailProtocol) =>
    probeIt(port, protocol, 'starttls', SMALL_CAPS, material.caPath)

  /** SMTP whose EHLO lists `plain` before TLS and `secure` after it. */
  function smtp(plain: string[], secure: string[]): OnConnect {
    return startTlsLines('220 mx.test ESMTP\r\n', material, (line, state: LineState) => {
      const verb = line.split(' ')[0]?.toUpperCase()
      if (verb === 'EHLO') {
        const keywords = state.tls ? secure : plain
        state.write(
          ['mx.test hello', ...keywords]
            .map((k, i, all) => `250${i === all.length - 1 ? ' ' : '-'}${k}\r\n`)
            .join(''),
        )
      } else if (verb === 'STARTTLS' && !state.tls) {
        state.write('220 go ahead\r\n')
        return 'upgrade'
      } else if (verb === 'QUIT') state.end('221 bye\r\n')
      else state.write('502 no\r\n')
      return undefined
    })
  }

  it('SMTP listing STARTTLS again in its EHLO after the handshake (RFC 3207 4.2)', async () => {
    const port = await serve(smtp(['STARTTLS', 'PIPELINING'], ['STARTTLS', 'PIPELINING', 'AUTH PLAIN']))
    const { result } = await probeTls(port, 'smtp')
    expect(result.security).toBe('starttls')
    expect(result.tls?.certificate).toMatchObject({ trusted: true, hostnameMatch: true })
    expect(ids(result)).toContain('starttls-offered-after-tls')
    expect(result.findings.find((f) => f.id === 'starttls-offered-after-tls')?.detail).toContain(
      'RFC 3207 4.2',
    )
    expect(result.verdict).toBe('warn')
  })

  it('SMTP whose AUTH and PIPELINING, offered before TLS, are gone after it', async () => {
    const port = await serve(smtp(['STARTTLS', 'PIPELINING', 'AUTH PLAIN LOGIN'], ['8BITMIME']))
    const { result } = await probeTls(port, 'smtp')
    expect(ids(result)).toEqual(
      expect.arrayContaining([
        'password-before-tls',
        'auth-missing-after-tls',
        'capabilities-lost-after-tls',
      ]),
    )
    expect(result.capabilities.removed).toEqual(['STARTTLS', 'PIPELINING', 'AUTH PLAIN LOGIN'])
  })

  it('IMAP listing STARTTLS and LOGINDISABLED after the handshake (RFC 9051 / RFC 3501)', async () => {
    const port = await serve(
      startTlsLines('* OK ready\r\n', material, (line, state) => {
        const [tag, command] = line.split(' ')
        const verb = command?.toUpperCase()
        if (verb === 'CAPABILITY')
          state.write(`* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n${tag} OK done\r\n`)
        else if (verb === 'STARTTLS' && !state.tls) {
          state.write(`${tag} OK Begin TLS now\r\n`)
          return 'upgrade'
        } else if (verb === 'LOGOUT') state.end(`* BYE\r\n${tag} OK bye\r\n`)
        else state.write(`${tag} BAD what\r\n`)
        return undefined
      }),
    )
    const { result } = await probeTls(port, 'imap')
    expect(result.security).toBe('starttls')
    expect(ids(result)).toEqual(
      expect.arrayContaining(['starttls-offered-after-tls', 'imap-logindisabled-after-tls']),
    )
    expect(result.verdict).toBe('warn')
  })

  it('POP3 listing STLS after the handshake (RFC 2595 4)', async () => {
    const port = await serve(
      startTlsLines('+OK ready\r\n', material, (line, state) => {
        const verb = line.split(' ')[0]?.toUpperCase()
        if (verb === 'CAPA') state.write(`+OK\r\nTOP\r\nSTLS\r\n${state.tls ? 'USER\r\n' : ''}.\r\n`)
        else if (verb === 'STLS' && !state.tls) {
          state.write('+OK begin TLS\r\n')
          return 'upgrade'
        } else if (verb === 'QUIT') state.end('+OK bye\r\n')
        else state.write('-ERR no\r\n')
        return undefined
      }),
    )
    const { result } = await probeTls(port, 'pop3')
    expect(result.security).toBe('starttls')
    expect(ids(result)).toContain('starttls-offered-after-tls')
    expect(result.findings.find((f) => f.id === 'starttls-offered-after-tls')?.detail).toContain('RFC 2595 4')
    expect(result.verdict).toBe('warn')
  })

  it('a server that gets it right stays good', async () => {
    const port = await serve(smtp(['STARTTLS', 'PIPELINING'], ['PIPELINING', 'AUTH PLAIN']))
    const { result } = await probeTls(port, 'smtp')
    expect(ids(result)).toEqual(['implicit-tls-preferred'])
    expect(result.verdict).toBe('good')
  })
})
