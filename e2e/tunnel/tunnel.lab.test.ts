// The tunnel against the real lab: real clients (curl, Python's imaplib/poplib/smtplib) talk
// plaintext to 127.0.0.1 and read alice's mail or send a message that arrives, through Dovecot,
// Perdition and Exim, implicit TLS and STARTTLS; the flawed servers are refused with a reason in
// the client's protocol; hostile local servers (injection, stalled handshake) are cut off.
import { X509Certificate } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { spkiSha256 } from '../../core/net/certificate.js'
import type { MailProtocol } from '../../shared/contract/mail.js'
import { getLab } from '../lab/lab.js'
import {
  openFds,
  PYTHON_CLIENTS,
  run,
  startTunnel,
  type TestTunnel,
  talk,
  waitForMessage,
} from './helpers.js'
import { bulkBytesOf, startImapUpstream } from './imap-upstream.js'

const lab = getLab()
const { login, password } = lab.user
const tunnels: TestTunnel[] = []
afterAll(async () => {
  await Promise.all(tunnels.map((t) => t.stop()))
})

async function open(...args: Parameters<typeof startTunnel>): Promise<TestTunnel> {
  const t = await startTunnel(...args)
  tunnels.push(t)
  return t
}

type Mode = 'implicit-tls' | 'starttls'
const fetchCases: [string, string, number, Mode, MailProtocol][] = [
  ['Dovecot IMAP 993', lab.good.dovecot.host, 993, 'implicit-tls', 'imap'],
  ['Dovecot IMAP 143 STARTTLS', lab.good.dovecot.host, 143, 'starttls', 'imap'],
  ['Dovecot POP3 995', lab.good.dovecot.host, 995, 'implicit-tls', 'pop3'],
  ['Dovecot POP3 110 STLS', lab.good.dovecot.host, 110, 'starttls', 'pop3'],
  ['Perdition IMAP 993', lab.good.perdition.host, 993, 'implicit-tls', 'imap'],
  ['Perdition IMAP 143 STARTTLS', lab.good.perdition.host, 143, 'starttls', 'imap'],
  ['Perdition POP3 110 STLS', lab.good.perdition.host, 110, 'starttls', 'pop3'],
]

describe('real clients read alice’s mail through the tunnel', () => {
  it.each(fetchCases)('%s: curl and Python', async (_name, host, port, mode, protocol) => {
    const t = await open({ upstreamHost: host, upstreamPort: port, mode, protocol })
    const url =
      protocol === 'imap' ? `imap://127.0.0.1:${t.port}/INBOX;UID=1` : `pop3://127.0.0.1:${t.port}/1`
    // Both clients at once: each its own connection through the same tunnel.
    const [curl, py] = await Promise.all([
      run('curl', ['-sS', '--max-time', '10', '-u', `${login}:${password}`, url]),
      run('python3', [PYTHON_CLIENTS, protocol, String(t.port), login, password]),
    ])
    expect(curl.stderr).toBe('')
    expect(curl.stdout).toContain('Subject: Welcome to the lab')
    expect(py.stderr).toBe('')
    expect(py.stdout).toContain('Subject: Welcome to the lab')
    // The legacy client never sees an upgrade it must not attempt.
    const caps = py.stdout.split('\n').find((l) => l.startsWith('CAPS')) ?? ''
    expect(caps).not.toMatch(/\b(STARTTLS|STLS|LOGINDISABLED)\b/)
    const records = [await t.nextRecord(), await t.nextRecord()]
    const fromPython = records.find((r) => r.commands.some((c) => /LOGIN|PASS/.test(c)))
    for (const record of records) {
      expect(record).toMatchObject({ outcome: 'ok', error: null, tls: { pinned: false } })
      expect(record.tls?.version).toMatch(/^TLSv1\.[23]$/)
      expect(JSON.stringify(record)).not.toContain(password)
    }
    // Python's imaplib sends LOGIN user password; the record keeps neither the password nor its shape.
    expect(fromPython?.commands.join('\n')).toMatch(
      protocol === 'imap' ? /LOGIN \[redacted\]/ : /PASS \[redacted\]/,
    )
  })
})

describe('real clients send a message that arrives', () => {
  it.each([
    ['Exim 465', 465, 'implicit-tls'],
    ['Exim 587 STARTTLS', 587, 'starttls'],
  ] as const)('%s: curl and Python with AUTH', async (name, port, mode) => {
    const t = await open({ upstreamHost: lab.good.exim.host, upstreamPort: port, mode, protocol: 'smtp' })
    const stamp = `${name} ${Date.now()}`
    const file = path.join(fs.mkdtempSync('/tmp/mw-tunnel-'), 'msg.txt')
    fs.writeFileSync(
      file,
      `From: ${login}\r\nTo: ${login}\r\nSubject: curl ${stamp}\r\n\r\nthrough the tunnel\r\n`,
    )
    const curl = await run('curl', [
      '-sS',
      '--max-time',
      '10',
      '-u',
      `${login}:${password}`,
      '--mail-from',
      login,
      '--mail-rcpt',
      login,
      '-T',
      file,
      `smtp://127.0.0.1:${t.port}`,
    ])
    expect(curl.stderr).toBe('')
    const py = await run('python3', [
      PYTHON_CLIENTS,
      'smtp',
      String(t.port),
      login,
      password,
      `python ${stamp}`,
    ])
    expect(py.stderr).toBe('')
    expect(py.stdout).toMatch(/AUTH/i)
    expect(py.stdout).not.toMatch(/STARTTLS/i)
    expect(await waitForMessage(`curl ${stamp}`)).toBe(true)
    expect(await waitForMessage(`python ${stamp}`)).toBe(true)
    const record = await t.nextRecord()
    expect(record.commands).toContain('AUTH PLAIN')
    expect(record.commands).toContain('[redacted] (SASL response)')
  })
})

describe('a wrong password is recorded as a refused login, not as ok', () => {
  it.each([
    ['Dovecot IMAP 993', lab.good.dovecot.host, 993, 'implicit-tls', 'imap', 'imap://127.0.0.1:PORT/'],
    ['Dovecot POP3 995', lab.good.dovecot.host, 995, 'implicit-tls', 'pop3', 'pop3://127.0.0.1:PORT/'],
    ['Exim SMTP 465', lab.good.exim.host, 465, 'implicit-tls', 'smtp', 'smtp://127.0.0.1:PORT'],
    ['Exim SMTP 587 STARTTLS', lab.good.exim.host, 587, 'starttls', 'smtp', 'smtp://127.0.0.1:PORT'],
  ] as const)('%s', async (_name, host, port, mode, protocol, url) => {
    const t = await open({ upstreamHost: host, upstreamPort: port, mode, protocol })
    const wrong = 'not-the-lab-password'
    const args = ['-sS', '--max-time', '15', '-u', `${login}:${wrong}`, url.replace('PORT', String(t.port))]
    // SMTP: curl logs in only to send; the message never goes (the login fails first).
    if (protocol === 'smtp') args.push('--mail-from', login, '--mail-rcpt', login, '-T', '/dev/null')
    const curl = await run('curl', args)
    expect(curl.stderr).toMatch(/Login denied|authentication|535|denied/i)
    const record = await t.nextRecord()
    expect(record).toMatchObject({ outcome: 'login-failed', login: 'failed', error: null })
    expect(record.loginsFailed).toBeGreaterThanOrEqual(1)
    expect(t.tunnel.stats().loginsFailed).toBe(record.loginsFailed)
    expect(t.tunnel.stats().failed).toBe(0)
    const json = JSON.stringify(record)
    expect(json).not.toContain(wrong)
    expect(json).not.toContain(Buffer.from(`\0${login}\0${wrong}`).toString('base64'))
    expect(json).not.toContain(Buffer.from(wrong).toString('base64'))
  })

  it('the right password is recorded as a login that worked', async () => {
    const t = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
    })
    const py = await run('python3', [PYTHON_CLIENTS, 'imap', String(t.port), login, password])
    expect(py.stderr).toBe('')
    expect(await t.nextRecord()).toMatchObject({ outcome: 'ok', login: 'ok', loginsFailed: 0 })
  })
})

describe('what the legacy client sees', () => {
  it('IMAP 143: greeted only after TLS, with filtered capabilities; STARTTLS refused locally', async () => {
    const t = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 143,
      mode: 'starttls',
      protocol: 'imap',
    })
    const said = await talk(t.port, [
      'a1 CAPABILITY',
      'a2 STARTTLS',
      `a3 LOGIN ${login} ${password}`,
      'a4 LOGOUT',
    ])
    const greeting = said.split('\r\n')[0] ?? ''
    expect(greeting).toMatch(
      /^\* OK \[CAPABILITY IMAP4rev1 .*\] Mailwarden: TLS to imap\.lab\.test:143 verified/,
    )
    const capabilityLines = said.split('\r\n').filter((l) => /^\* CAPABILITY |\[CAPABILITY /.test(l))
    expect(capabilityLines.length).toBeGreaterThanOrEqual(3) // greeting, a1, and after login
    for (const line of capabilityLines) expect(line).not.toMatch(/\b(STARTTLS|LOGINDISABLED)\b/)
    expect(said).toContain('a2 BAD STARTTLS is not available here')
    expect(said).toMatch(/\* CAPABILITY [^\r]* MOVE [^\r]*\r\na3 OK Logged in/) // post-login list, filtered too
    expect(said).toContain('a4 OK')
    const record = await t.nextRecord()
    expect(record.commands).toEqual(['a1 CAPABILITY', 'a2 STARTTLS', 'a3 LOGIN [redacted]', 'a4 LOGOUT'])
  })

  it('POP3 110: no STLS in CAPA, STLS refused with -ERR', async () => {
    const t = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 110,
      mode: 'starttls',
      protocol: 'pop3',
    })
    const said = await talk(t.port, ['CAPA', 'STLS', 'QUIT'])
    expect(said).toMatch(/^\+OK Mailwarden: TLS to \S+:110 verified/)
    expect(said).toContain('\r\nUSER\r\n')
    expect(said).not.toMatch(/\r\nSTLS\r\n/)
    expect(said).toContain('-ERR STLS is not available here')
  })

  it('SMTP 587: the client’s own EHLO goes over TLS, AUTH offered, STARTTLS hidden and refused', async () => {
    const t = await open({
      upstreamHost: lab.good.exim.host,
      upstreamPort: 587,
      mode: 'starttls',
      protocol: 'smtp',
    })
    const said = await talk(t.port, ['EHLO legacy.example', 'STARTTLS', 'QUIT'])
    expect(said).toMatch(/^220 smtp\.lab\.test ESMTP Mailwarden: TLS to smtp\.lab\.test:587 verified/)
    expect(said).toMatch(/\r\n250[ -]AUTH PLAIN/)
    expect(said).not.toMatch(/250[ -]STARTTLS/)
    expect(said).toMatch(/\r\n250 \S+/) // the EHLO reply still ends with a proper last line
    expect(said).toContain('502 5.5.1 STARTTLS is not available here')
  })
})

describe('refusals reach the client in its protocol, with the reason', () => {
  it.each([
    [
      'wrong host',
      lab.flawed.wrongHost.host,
      993,
      'implicit-tls',
      'imap',
      /^\* BYE \[UNAVAILABLE\] .*altnames/,
    ],
    [
      'expired',
      lab.flawed.expired.host,
      993,
      'implicit-tls',
      'imap',
      /^\* BYE \[UNAVAILABLE\] .*certificate has expired/,
    ],
    [
      'expired, STLS',
      lab.flawed.expired.host,
      110,
      'starttls',
      'pop3',
      /^-ERR \[SYS\/TEMP\] .*certificate has expired/,
    ],
    [
      'self-signed, unpinned',
      lab.flawed.selfSigned.host,
      993,
      'implicit-tls',
      'imap',
      /^\* BYE .*self-signed certificate/,
    ],
    [
      'no STARTTLS at all',
      lab.flawed.plaintext.host,
      143,
      'starttls',
      'imap',
      /^\* BYE .*does not offer STARTTLS.*never falls back/,
    ],
    ['no STLS at all', lab.flawed.plaintext.host, 110, 'starttls', 'pop3', /^-ERR .*does not offer STLS/],
    ['PREAUTH', lab.flawed.preauth.host, 143, 'starttls', 'imap', /^\* BYE .*PREAUTH/],
    ['nothing listens', '127.0.0.1', 1, 'implicit-tls', 'smtp', /^421 4\.7\.0 .*refused the connection/],
  ] as const)('%s', async (_name, host, port, mode, protocol, expected) => {
    const t = await open({ upstreamHost: host, upstreamPort: port, mode, protocol })
    const said = await talk(t.port, [])
    expect(said).toMatch(expected)
    expect(said.split('\r\n').filter(Boolean)).toHaveLength(1)
    const record = await t.nextRecord()
    expect(record.outcome).toBe('failed')
    expect(said).toContain(record.error?.slice(0, 60))
    expect(t.warnings.join('\n')).toContain(record.error?.slice(0, 60))
  })

  it('a DNS failure is told to the client', async () => {
    const t = await open({
      upstreamHost: 'nowhere.invalid',
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
    })
    expect(await talk(t.port, [])).toMatch(/^\* BYE .*Cannot resolve nowhere\.invalid/)
  })
})

describe('a pinned self-signed server', () => {
  const pin = spkiSha256(
    new X509Certificate(fs.readFileSync(path.join(lab.stateDir, 'certs', 'selfsigned.pem'))),
  )
  it('works with its key pinned, over implicit TLS and STARTTLS', async () => {
    for (const [port, mode] of [
      [993, 'implicit-tls'],
      [143, 'starttls'],
    ] as const) {
      const t = await open({
        upstreamHost: lab.flawed.selfSigned.host,
        upstreamPort: port,
        mode,
        protocol: 'imap',
        pin,
      })
      const curl = await run('curl', [
        '-sS',
        '--max-time',
        '10',
        '-u',
        `${login}:${password}`,
        `imap://127.0.0.1:${t.port}/INBOX;UID=1`,
      ])
      expect(curl.stdout).toContain('Subject: Welcome to the lab')
      expect((await t.nextRecord()).tls?.pinned).toBe(true)
    }
  })
  it('refuses a server whose key is not the pinned one', async () => {
    const t = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
      pin,
    })
    expect(await talk(t.port, [])).toMatch(/^\* BYE .*does not match the pinned key/)
  })
})

/** A local hostile IMAP server: greets, offers STARTTLS, then misbehaves as told. */
async function hostile(onStartTls: (socket: net.Socket, tag: string) => void): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {})
    socket.write('* OK hostile ready\r\n')
    socket.on('data', (chunk) => {
      for (const line of chunk.toString('latin1').split('\r\n').filter(Boolean)) {
        const [tag = '', verb] = line.split(' ')
        if (verb === 'CAPABILITY') socket.write(`* CAPABILITY IMAP4rev1 STARTTLS\r\n${tag} OK done\r\n`)
        if (verb === 'STARTTLS') onStartTls(socket, tag)
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return server
}

describe('hostile upstreams', () => {
  it('bytes injected after the STARTTLS OK cut the connection; none reach the client', async () => {
    const server = await hostile((socket, tag) =>
      socket.write(`${tag} OK Begin TLS\r\n* OK [CAPABILITY IMAP4rev1 INJECTED] a1 OK LOGIN injected\r\n`),
    )
    const { port } = server.address() as net.AddressInfo
    const t = await open({
      upstreamHost: '127.0.0.1',
      upstreamPort: port,
      mode: 'starttls',
      protocol: 'imap',
    })
    const said = await talk(t.port, ['a1 LOGIN alice secret'])
    expect(said).toMatch(/^\* BYE .*after its STARTTLS OK.*response-injection/)
    expect(said).not.toMatch(/INJECTED|injected/)
    expect((await t.nextRecord()).outcome).toBe('failed')
    server.close()
  })

  it('a stalled TLS handshake ends within the timeout with a protocol error', async () => {
    const server = await hostile((socket, tag) => socket.write(`${tag} OK Begin TLS\r\n`)) // then silence
    const { port } = server.address() as net.AddressInfo
    const t = await open(
      { upstreamHost: '127.0.0.1', upstreamPort: port, mode: 'starttls', protocol: 'imap' },
      { timeoutMs: 800 },
    )
    const started = Date.now()
    const said = await talk(t.port, [])
    expect(Date.now() - started).toBeLessThan(800 + 2_000)
    expect(said).toMatch(/^\* BYE .*did not complete the TLS handshake within 800 ms/)
    server.close()
  })
})

/** A tunnel to the minimal IMAP server of e2e/tunnel/imap-upstream.ts (its FETCH answers `bulkBytes`). */
async function fakeImapTunnel(bulkBytes?: number) {
  const upstream = await startImapUpstream(path.join(lab.stateDir, 'certs'), { bulkBytes })
  const t = await startTunnel(
    {
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: upstream.port,
      mode: 'implicit-tls',
      protocol: 'imap',
    },
    { resolve: async () => '127.0.0.1' },
  )
  return { upstream, t }
}

describe('load', () => {
  it('500 concurrent IMAP sessions through one tunnel succeed and leave no descriptor', async () => {
    const before = openFds()
    const { upstream, t } = await fakeImapTunnel()
    const session = () =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect({ host: '127.0.0.1', port: t.port })
        let got = ''
        socket.setEncoding('latin1')
        socket.on('data', (d: string) => {
          const first = got === ''
          got += d
          if (first) socket.write('a1 NOOP\r\n')
          else if (got.includes('a1 OK') && !got.includes('a2')) {
            got += 'a2'
            socket.write('a2 LOGOUT\r\n')
          }
        })
        socket.on('error', reject)
        socket.on('close', () => resolve(got))
      })
    const results = await Promise.all(Array.from({ length: 500 }, session))
    for (const said of results) {
      expect(said).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 LITERAL\+\] fake upstream ready/)
      expect(said).toContain('a2 OK LOGOUT completed')
    }
    expect(t.tunnel.stats()).toMatchObject({ total: 500, failed: 0 })
    // Every record in: every socket of both sides closed.
    const until = Date.now() + 10_000
    while (t.records.length < 500 && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
    expect(t.records).toHaveLength(500)
    expect(t.records.every((r) => r.outcome === 'ok')).toBe(true)
    expect(t.records.filter((r) => r.tls?.resumed).length).toBeGreaterThan(400)
    await t.stop()
    await upstream.close()
    expect(t.tunnel.stats().active).toBe(0)
    expect(openFds()).toBeLessThanOrEqual(before)
  }, 60_000)
})

describe('bulk', () => {
  it('a 24 MiB literal read slowly by the client arrives byte for byte', async () => {
    const bytes = 24 * 1024 * 1024
    const { upstream, t } = await fakeImapTunnel(bytes)
    tunnels.push(t)
    const socket = net.connect({ host: '127.0.0.1', port: t.port })
    const parts: Buffer[] = []
    socket.on('data', (b: Buffer) => parts.push(b))
    await new Promise((r) => socket.once('data', r))
    socket.write('a1 FETCH 1 BODY[]\r\n')
    // The client stops and starts reading: the tunnel's writes queue while it reads on.
    const stutter = setInterval(() => (socket.isPaused() ? socket.resume() : socket.pause()), 3)
    const until = Date.now() + 30_000
    while (!Buffer.concat(parts).includes('a1 OK FETCH completed') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20))
    clearInterval(stutter)
    socket.destroy()
    await upstream.close()
    const got = Buffer.concat(parts)
    const head = Buffer.from(`* 1 FETCH (BODY[] {${bytes}}\r\n`, 'latin1')
    const start = got.indexOf(head)
    expect(start).toBeGreaterThan(0)
    const literal = got.subarray(start + head.length, start + head.length + bytes)
    expect(literal.length).toBe(bytes)
    expect(literal.equals(bulkBytesOf(bytes))).toBe(true)
  }, 60_000)
})

describe('connection lifetime', () => {
  it('an idle connection is closed after the idle timeout and recorded so', async () => {
    const t = await open(
      { upstreamHost: lab.good.dovecot.host, upstreamPort: 993, mode: 'implicit-tls', protocol: 'imap' },
      { idleTimeoutMs: 400 },
    )
    const socket = net.connect({ host: '127.0.0.1', port: t.port })
    let received = ''
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1')
    })
    const started = Date.now()
    await new Promise((r) => socket.once('close', r))
    expect(Date.now() - started).toBeLessThan(400 + 3_000)
    // The client is told why, in IMAP, after the greeting it got.
    expect(received).toMatch(
      /^\* OK .*\r\n\* BYE \[UNAVAILABLE\] Mailwarden tunnel: idle for 0\.4 s; closing the connection\r\n$/s,
    )
    expect((await t.nextRecord()).outcome).toBe('idle-timeout')
  })

  it('a client that half-closes after LOGOUT still gets the whole answer', async () => {
    const t = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
    })
    const said = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: t.port, allowHalfOpen: true })
      let got = ''
      socket.setEncoding('latin1')
      socket.on('data', (d: string) => {
        if (got === '') socket.end('a1 LOGOUT\r\n') // sends the command, then FIN
        got += d
      })
      socket.on('close', () => resolve(got))
    })
    expect(said).toMatch(/\* BYE .*\r\na1 OK Logout completed/)
    expect((await t.nextRecord()).outcome).toBe('ok')
  })
})

describe('listener problems', () => {
  it('a port in use is a conflict with a clear sentence, not a crash', async () => {
    const t = await open({
      upstreamHost: lab.good.dovecot.host,
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
    })
    await expect(
      startTunnel({
        upstreamHost: lab.good.dovecot.host,
        upstreamPort: 993,
        mode: 'implicit-tls',
        protocol: 'imap',
        listenPort: t.port,
      }),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already in use/) })
  })
  it('a LAN listener needs the explicit opt-in and an allowlist', async () => {
    const base = {
      upstreamHost: 'x',
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
      listenHost: '0.0.0.0',
    } as const
    await expect(startTunnel(base)).rejects.toMatchObject({ code: 'invalid-request' })
    await expect(startTunnel({ ...base, allowLan: true })).rejects.toMatchObject({
      message: expect.stringMatching(/allowlist/),
    })
  })
})
