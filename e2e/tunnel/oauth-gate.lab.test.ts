// The sign-in gate of an OAuth tunnel against real sockets: a tunnel in this process, verified TLS
// (lab CA) to a server of our own that accepts only XOAUTH2/OAUTHBEARER and refuses a token the way
// Dovecot/Exim and Microsoft do (oauth-upstream.ts), a client speaking raw protocol lines. The
// token source is a fake (fake-tokens.ts); the real one and the real OAuth-only Dovecot/Exim are
// the lab's (their tests are separate).
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { MailProtocol, TlsSecurity } from '../../shared/contract/mail.js'
import type { TunnelOAuthMechanism } from '../../shared/contract/tunnel-config.js'
import { getLab } from '../lab/lab.js'
import { Conversation } from './conversation.js'
import { FakeTokens, fakeSignIn } from './fake-tokens.js'
import { run, startTunnel, type TestTunnel } from './helpers.js'
import { type OAuthUpstream, type RefusalStyle, startOAuthUpstream } from './oauth-upstream.js'

const lab = getLab()
const ADDRESS = 'alice@lab.test'
const LOCAL = 'local pass phrase'
const closers: (() => Promise<void>)[] = []
afterAll(async () => {
  await Promise.all(closers.map((close) => close()))
})

interface Setup {
  upstream: OAuthUpstream
  tunnel: TestTunnel
  tokens: FakeTokens
  signIn: ReturnType<typeof fakeSignIn>
  client(): Promise<Conversation>
}

async function setUp(
  protocol: MailProtocol,
  options: {
    mode?: TlsSecurity
    style?: RefusalStyle
    mechanism?: TunnelOAuthMechanism
    mechanisms?: string[]
    saslIr?: boolean
    tokens?: string[]
    valid?: string[]
    localPassword?: string | null
  } = {},
): Promise<Setup> {
  const mode = options.mode ?? 'implicit-tls'
  const upstream = await startOAuthUpstream({
    protocol,
    mode,
    certDir: path.join(lab.stateDir, 'certs'),
    style: options.style,
    mechanisms: options.mechanisms,
    saslIr: options.saslIr,
  })
  for (const token of options.valid ?? ['tok1']) upstream.valid.add(token)
  const tokens = new FakeTokens(ADDRESS, options.tokens ?? ['tok1'])
  const signIn = fakeSignIn(tokens, options.localPassword === undefined ? LOCAL : options.localPassword)
  const tunnel = await startTunnel(
    {
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: upstream.port,
      mode,
      protocol,
      oauth: { accountId: 'lab', mechanism: options.mechanism ?? 'auto' },
    },
    { resolve: async () => '127.0.0.1', signIn },
  )
  closers.push(
    () => tunnel.stop(),
    () => upstream.close(),
  )
  return { upstream, tunnel, tokens, signIn, client: () => Conversation.open(tunnel.port) }
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')

describe('IMAP through the sign-in gate', () => {
  it('offers only what it accepts, takes LOGIN with quoted strings, logs in with XOAUTH2', async () => {
    const s = await setUp('imap', { mechanism: 'xoauth2' })
    const c = await s.client()
    const greeting = await c.wait(/^\* OK .*\r\n/)
    expect(greeting).toMatch(/\[CAPABILITY IMAP4rev1 .*SASL-IR AUTH=PLAIN\]/)
    expect(greeting).not.toMatch(/XOAUTH2|OAUTHBEARER|STARTTLS|LOGINDISABLED/)
    c.send('a1 CAPABILITY')
    const caps = await c.wait(/a1 OK/)
    expect(caps).toMatch(/^\* CAPABILITY IMAP4rev1 LITERAL\+ ID SASL-IR AUTH=PLAIN\r\n/)
    c.send('a2 NOOP')
    await c.wait(/a2 OK/)
    c.send(`a3 LOGIN "${ADDRESS}" "${LOCAL}"`)
    const ok = await c.wait(/a3 /)
    expect(ok).toBe('a3 OK [CAPABILITY IMAP4rev1 IDLE LITERAL+] Logged in\r\n')
    expect(s.upstream.logins).toEqual([
      { mechanism: 'XOAUTH2', response: `user=${ADDRESS}\x01auth=Bearer tok1\x01\x01` },
    ])
    // The pump goes on: commands reach the server, answers the client.
    c.send('a4 SELECT INBOX')
    expect(await c.wait(/a4 OK/)).toMatch(/\* 1 EXISTS/)
    c.send('a5 LOGOUT')
    await c.closed()
    const record = await s.tunnel.nextRecord()
    expect(record).toMatchObject({ outcome: 'ok', login: 'ok', loginsFailed: 0 })
    expect(record.commands).toContain(`a3 LOGIN [redacted]`)
    expect(JSON.stringify(record)).not.toContain(LOCAL)
    expect(JSON.stringify(record)).not.toContain('tok1')
    expect(s.signIn.results).toEqual([{ state: 'ready' }])
  })

  it('takes LOGIN with literals (synchronizing and LITERAL+) and OAUTHBEARER when offered (auto)', async () => {
    const s = await setUp('imap')
    const c = await s.client()
    await c.wait(/^\* OK/)
    c.send(`b1 LOGIN {${Buffer.byteLength(ADDRESS)}}`)
    await c.wait(/^\+ /)
    c.sendRaw(`${ADDRESS} {${Buffer.byteLength(LOCAL)}+}\r\n${LOCAL}\r\n`)
    expect(await c.wait(/b1 /)).toMatch(/^b1 OK /)
    const port = s.upstream.port
    expect(s.upstream.logins).toEqual([
      {
        mechanism: 'OAUTHBEARER',
        response: `n,a=${ADDRESS},\x01host=${lab.good.dovecot.host}\x01port=${port}\x01auth=Bearer tok1\x01\x01`,
      },
    ])
    c.end()
  })

  it('takes AUTHENTICATE PLAIN with and without an initial response; the server without SASL-IR gets the token after its prompt', async () => {
    const s = await setUp('imap', { saslIr: false })
    const c = await s.client()
    await c.wait(/^\* OK/)
    c.send('c1 AUTHENTICATE PLAIN')
    await c.wait(/^\+ \r\n/)
    c.send(b64(`\0${ADDRESS}\0${LOCAL}`))
    expect(await c.wait(/c1 /)).toMatch(/^c1 OK /)
    c.end()
    const again = await s.client()
    await again.wait(/^\* OK/)
    again.send(`c2 AUTHENTICATE PLAIN ${b64(`${ADDRESS}\0${ADDRESS}\0${LOCAL}`)}`)
    expect(await again.wait(/c2 /)).toMatch(/^c2 OK /)
    again.end()
    expect(s.upstream.logins).toHaveLength(2)
    expect(s.upstream.lines.filter((l) => /AUTHENTICATE/.test(l))).toEqual([
      'MW2 AUTHENTICATE OAUTHBEARER',
      'MW2 AUTHENTICATE OAUTHBEARER',
    ])
  })

  it('refreshes a refused token once (Dovecot refusal: JSON challenge, acknowledged) and succeeds', async () => {
    const s = await setUp('imap', { tokens: ['stale', 'fresh'], valid: ['fresh'], mechanism: 'xoauth2' })
    const c = await s.client()
    await c.wait(/^\* OK/)
    c.send(`d1 LOGIN ${ADDRESS} "${LOCAL}"`)
    expect(await c.wait(/d1 /)).toMatch(/^d1 OK /)
    expect(s.tokens.calls).toEqual([{ force: false }, { force: true }])
    // The refusal's challenge was acknowledged with an empty line (XOAUTH2).
    const exchange = s.upstream.lines.slice(s.upstream.lines.findIndex((l) => l.includes('AUTHENTICATE')))
    expect(exchange[1]).toBe('')
    c.end()
  })

  it('still refused after the refresh: NO [AUTHENTICATIONFAILED] with the reason (Microsoft)', async () => {
    const s = await setUp('imap', { style: 'microsoft', valid: [], mechanism: 'xoauth2' })
    const c = await s.client()
    await c.wait(/^\* OK/)
    c.send(`e1 LOGIN ${ADDRESS} "${LOCAL}"`)
    const no = await c.wait(/e1 /)
    expect(no).toMatch(/^e1 NO \[AUTHENTICATIONFAILED\] Microsoft refused the token login\. .+\r\n$/)
    expect(s.tokens.calls).toEqual([{ force: false }, { force: true }])
    expect(s.signIn.results[0]).toMatchObject({ state: 'refused' })
    c.send('e2 LOGOUT')
    await c.closed()
    const record = await s.tunnel.nextRecord()
    expect(record).toMatchObject({ outcome: 'login-failed', login: 'failed', loginsFailed: 1 })
    expect(record.error).toMatch(
      /^Microsoft refused the token login \(the server said: NO AUTHENTICATE failed\.\)\. Check /,
    )
  })

  it('a sign-in needed: the client is told to sign in again, the state says so', async () => {
    const s = await setUp('imap')
    s.tokens.fail(
      'needs-authorization',
      'The provider refused the refresh token (invalid_grant).',
      'invalid_grant',
    )
    const c = await s.client()
    await c.wait(/^\* OK/)
    c.send(`f1 LOGIN ${ADDRESS} "${LOCAL}"`)
    expect(await c.wait(/f1 /)).toBe(
      'f1 NO [AUTHENTICATIONFAILED] The OAuth account needs a new sign-in: sign in again in Mailwarden.\r\n',
    )
    expect(s.signIn.results).toEqual([
      { state: 'needs-authorization', error: expect.stringMatching(/sign in again in Mailwarden/) },
    ])
    expect(s.upstream.logins).toEqual([])
    c.end()
  })

  it('a provider out of reach is a temporary failure ([UNAVAILABLE])', async () => {
    const s = await setUp('imap')
    s.tokens.fail('provider-unreachable', 'Cannot reach login.lab.test.')
    const c = await s.client()
    await c.wait(/^\* OK/)
    c.send(`g1 LOGIN ${ADDRESS} "${LOCAL}"`)
    expect(await c.wait(/g1 /)).toMatch(/^g1 NO \[UNAVAILABLE\] /)
    expect(s.signIn.results[0]).toMatchObject({ state: 'refresh-failed' })
    c.end()
  })

  it('a wrong local password or user name: refused after a delay, never upstream; closed after 3', async () => {
    const s = await setUp('imap')
    const c = await s.client()
    await c.wait(/^\* OK/)
    const started = Date.now()
    c.send(`h1 LOGIN ${ADDRESS} wrong`)
    expect(await c.wait(/h1 /)).toMatch(/^h1 NO \[AUTHENTICATIONFAILED\] Wrong user name or local password/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    c.send(`h2 LOGIN bob@lab.test "${LOCAL}"`)
    await c.wait(/h2 NO/)
    c.send('h3 AUTHENTICATE PLAIN not-base64!')
    await c.wait(/h3 NO/)
    await c.closed()
    expect(s.upstream.logins).toEqual([])
    const record = await s.tunnel.nextRecord()
    expect(record).toMatchObject({ outcome: 'login-failed', loginsFailed: 3 })
    expect(record.commands).toEqual([
      'h1 LOGIN [redacted]',
      'h2 LOGIN [redacted]',
      'h3 AUTHENTICATE PLAIN [redacted]',
    ])
  })

  it('a command sent with the LOGIN in one write reaches the server after the sign-in', async () => {
    const s = await setUp('imap')
    const c = await s.client()
    await c.wait(/^\* OK/)
    c.sendRaw(`k1 LOGIN ${ADDRESS} "${LOCAL}"\r\nk2 SELECT INBOX\r\n`)
    expect(await c.wait(/k2 OK/)).toMatch(/^k1 OK .*\r\n\* 1 EXISTS\r\nk2 OK /)
    c.end()
  })

  it('a client that never logs in is cut off at the deadline, in its protocol', async () => {
    const s = await setUp('imap')
    s.signIn.deadlineMs = 300
    const c = await s.client()
    await c.wait(/^\* OK/)
    expect(await c.closed()).toMatch(
      /^\* BYE \[UNAVAILABLE\] Mailwarden tunnel: The client did not finish logging in in time/,
    )
    expect(await s.tunnel.nextRecord()).toMatchObject({ outcome: 'failed' })
  })

  it('commands before LOGIN are refused, STARTTLS too', async () => {
    const s = await setUp('imap')
    const c = await s.client()
    await c.wait(/^\* OK/)
    c.send('i1 SELECT INBOX')
    expect(await c.wait(/i1 /)).toMatch(/^i1 BAD Log in first/)
    c.send('i2 STARTTLS')
    expect(await c.wait(/i2 /)).toMatch(/^i2 BAD STARTTLS is not available/)
    c.send('i3 AUTHENTICATE XOAUTH2 abc')
    expect(await c.wait(/i3 /)).toMatch(/^i3 NO \[CANNOT\]/)
    c.send('i4 LOGOUT')
    expect(await c.closed()).toMatch(/i4 OK/)
    expect(s.upstream.lines.filter((l) => /SELECT|STARTTLS|AUTHENTICATE/.test(l))).toEqual([])
  })

  it('over STARTTLS to the server: the capabilities read while upgrading are the ones offered', async () => {
    const s = await setUp('imap', { mode: 'starttls', mechanism: 'xoauth2' })
    const c = await s.client()
    expect(await c.wait(/^\* OK .*\r\n/)).toMatch(/SASL-IR AUTH=PLAIN\]/)
    c.send(`j1 LOGIN ${ADDRESS} "${LOCAL}"`)
    expect(await c.wait(/j1 /)).toMatch(/^j1 OK /)
    c.send('j2 SELECT INBOX')
    await c.wait(/j2 OK/)
    c.end()
  })
})

describe('POP3 through the sign-in gate', () => {
  it('CAPA offers USER and SASL PLAIN; USER/PASS logs in with the token; STAT passes', async () => {
    const long = 'x'.repeat(300)
    const s = await setUp('pop3', { tokens: [long], valid: [long] })
    const c = await s.client()
    await c.wait(/^\+OK .*\r\n/)
    c.send('CAPA')
    const capa = await c.wait(/\r\n\.\r\n/)
    expect(capa).toBe(
      '+OK Capability list follows\r\nUSER\r\nSASL PLAIN\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n.\r\n',
    )
    c.send(`USER ${ADDRESS}`)
    await c.wait(/^\+OK/)
    c.send(`PASS ${LOCAL}`)
    expect(await c.wait(/\r\n/)).toBe('+OK Logged in.\r\n')
    c.send('STAT')
    expect(await c.wait(/\r\n/)).toBe('+OK 1 120\r\n')
    c.send('QUIT')
    await c.closed()
    expect(await s.tunnel.nextRecord()).toMatchObject({ outcome: 'ok', login: 'ok' })
    // POP3 sends a token after the server's "+" when it does not fit 255 octets inline.
    expect(s.upstream.lines.slice(1, 2)).toEqual(['AUTH OAUTHBEARER'])
  })

  it('refused after the refresh (Dovecot JSON challenge acknowledged with AQ==): -ERR [AUTH] with the reason', async () => {
    const s = await setUp('pop3', { valid: [] })
    const c = await s.client()
    await c.wait(/^\+OK/)
    c.send(`AUTH PLAIN ${b64(`\0${ADDRESS}\0${LOCAL}`)}`)
    expect(await c.wait(/\r\n/)).toMatch(/^-ERR \[AUTH\] The server refused the access token\. /)
    expect(s.upstream.lines.filter((l) => l === 'AQ==')).toHaveLength(2)
    c.send('QUIT')
    await c.closed()
  })
})

describe('SMTP through the sign-in gate', () => {
  it('EHLO is forwarded with AUTH PLAIN LOGIN; AUTH LOGIN in its two steps; mail passes', async () => {
    const s = await setUp('smtp', { mechanism: 'xoauth2' })
    const c = await s.client()
    await c.wait(/^220 .*\r\n/)
    c.send('MAIL FROM:<alice@lab.test>')
    expect(await c.wait(/\r\n/)).toMatch(/^530 5\.7\.0 /)
    c.send('EHLO client.example')
    const ehlo = await c.wait(/\r\n250 [^\r]*\r\n/)
    expect(ehlo).toBe(
      '250-fake.lab.test Hello client.example\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 AUTH PLAIN LOGIN\r\n',
    )
    c.send('AUTH LOGIN')
    expect(await c.wait(/\r\n/)).toBe('334 VXNlcm5hbWU6\r\n')
    c.send(b64(ADDRESS))
    expect(await c.wait(/\r\n/)).toBe('334 UGFzc3dvcmQ6\r\n')
    c.send(b64(LOCAL))
    expect(await c.wait(/\r\n/)).toBe('235 2.7.0 Authentication successful\r\n')
    expect(s.upstream.lines).toContain(`AUTH XOAUTH2 ${b64(`user=${ADDRESS}\x01auth=Bearer tok1\x01\x01`)}`)
    c.send('MAIL FROM:<alice@lab.test>')
    expect(await c.wait(/\r\n/)).toBe('250 2.1.0 OK\r\n')
    // A later EHLO's AUTH line is rewritten by the pump's filter too.
    c.send('EHLO client.example')
    expect(await c.wait(/\r\n250 [^\r]*\r\n/)).toMatch(/250 AUTH PLAIN LOGIN\r\n$/)
    c.send('QUIT')
    await c.closed()
    expect(await s.tunnel.nextRecord()).toMatchObject({ outcome: 'ok', login: 'ok' })
  })

  it('Microsoft 535 5.7.3 after the refresh: 535 5.7.8 with the reason', async () => {
    const s = await setUp('smtp', { style: 'microsoft', valid: [] })
    const c = await s.client()
    await c.wait(/^220 /)
    c.send('EHLO client.example')
    await c.wait(/\r\n250 /)
    c.send(`AUTH PLAIN ${b64(`\0${ADDRESS}\0${LOCAL}`)}`)
    expect(await c.wait(/\r\n/)).toMatch(/^535 5\.7\.8 Microsoft refused the token login\. /)
    expect(s.tokens.calls).toEqual([{ force: false }, { force: true }])
    c.send('QUIT')
    await c.closed()
  })

  it('over STARTTLS to the server: the client greeted by the tunnel, its EHLO sent after TLS', async () => {
    const s = await setUp('smtp', { mode: 'starttls' })
    const c = await s.client()
    await c.wait(/^220 /)
    c.send('EHLO client.example')
    expect(await c.wait(/\r\n250 [^\r]*\r\n/)).toMatch(/250 AUTH PLAIN LOGIN\r\n$/)
    c.send('AUTH PLAIN')
    expect(await c.wait(/\r\n/)).toBe('334 \r\n')
    c.send(b64(`\0${ADDRESS}\0${LOCAL}`))
    expect(await c.wait(/\r\n/)).toBe('235 2.7.0 Authentication successful\r\n')
    c.send('QUIT')
    await c.closed()
  })
})

describe('the gate, more', () => {
  it('POP3 over STARTTLS (STLS) to the server; a sign-in needed is -ERR [AUTH] in POP3', async () => {
    const s = await setUp('pop3', { mode: 'starttls' })
    const c = await s.client()
    await c.wait(/^\+OK/)
    c.send(`USER ${ADDRESS}`)
    await c.wait(/^\+OK/)
    c.send(`PASS ${LOCAL}`)
    expect(await c.wait(/\r\n/)).toBe('+OK Logged in.\r\n')
    c.send('QUIT')
    await c.closed()
    s.tokens.fail('needs-authorization', 'No refresh token is stored.')
    const d = await s.client()
    await d.wait(/^\+OK/)
    d.send(`AUTH PLAIN ${b64(`\0${ADDRESS}\0${LOCAL}`)}`)
    expect(await d.wait(/\r\n/)).toBe(
      '-ERR [AUTH] The OAuth account needs a new sign-in: sign in again in Mailwarden.\r\n',
    )
    d.send('QUIT')
    await d.closed()
  })

  it('SMTP: a sign-in needed is 535 5.7.8; AUTH before EHLO is 503; other mechanisms 504', async () => {
    const s = await setUp('smtp')
    s.tokens.fail(
      'needs-authorization',
      'The provider refused the refresh token (invalid_grant).',
      'invalid_grant',
    )
    const c = await s.client()
    await c.wait(/^220 /)
    c.send(`AUTH PLAIN ${b64(`\0${ADDRESS}\0${LOCAL}`)}`)
    expect(await c.wait(/\r\n/)).toMatch(/^503 5\.5\.1 /)
    c.send('EHLO client.example')
    await c.wait(/\r\n250 /)
    c.send('AUTH CRAM-MD5')
    expect(await c.wait(/\r\n/)).toMatch(/^504 5\.5\.4 /)
    c.send(`AUTH PLAIN ${b64(`\0${ADDRESS}\0${LOCAL}`)}`)
    expect(await c.wait(/\r\n/)).toBe(
      '535 5.7.8 The OAuth account needs a new sign-in: sign in again in Mailwarden.\r\n',
    )
    c.send('QUIT')
    await c.closed()
  })

  it("Python's imaplib and poplib log in with the local password (imaplib quotes it)", async () => {
    const imap = await setUp('imap')
    const pop = await setUp('pop3')
    const script = [
      'import imaplib, poplib, sys',
      'imap_port, pop_port, user, pw = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]',
      'with imaplib.IMAP4("127.0.0.1", imap_port, timeout=10) as m:',
      '    print("IMAP", " ".join(m.capabilities))',
      '    print(m.login(user, pw)[0])',
      '    print(m.select("INBOX")[1])',
      '    m.logout()',
      'p = poplib.POP3("127.0.0.1", pop_port, timeout=10)',
      'print("POP3", " ".join(sorted(p.capa().keys())))',
      'p.user(user)',
      'print(p.pass_(pw))',
      'print(p.stat())',
      'p.quit()',
    ].join('\n')
    const ran = await run('python3', [
      '-c',
      script,
      String(imap.tunnel.port),
      String(pop.tunnel.port),
      ADDRESS,
      LOCAL,
    ])
    expect(ran.stderr).toBe('')
    expect(ran.stdout).toBe(
      [
        'IMAP IMAP4REV1 LITERAL+ ID SASL-IR AUTH=PLAIN',
        'OK',
        "[b'1']",
        'POP3 AUTH-RESP-CODE RESP-CODES SASL TOP UIDL USER',
        "b'+OK Logged in.'",
        '(1, 120)',
        '',
      ].join('\n'),
    )
  })

  it('an idle client during the sign-in keeps its idle-timeout outcome', async () => {
    const s = await setUp('imap')
    s.signIn.deadlineMs = 10_000
    const tunnel = await startTunnel(
      {
        upstreamHost: lab.good.dovecot.host,
        upstreamPort: s.upstream.port,
        mode: 'implicit-tls',
        protocol: 'imap',
        oauth: { accountId: 'lab', mechanism: 'auto' },
      },
      { resolve: async () => '127.0.0.1', signIn: s.signIn, idleTimeoutMs: 300 },
    )
    closers.push(() => tunnel.stop())
    const c = await Conversation.open(tunnel.port)
    await c.wait(/^\* OK/)
    expect(await c.closed()).toMatch(/^\* BYE \[UNAVAILABLE\] Mailwarden tunnel: idle for 0\.3 s/)
    expect(await tunnel.nextRecord()).toMatchObject({ outcome: 'idle-timeout' })
  })
})
