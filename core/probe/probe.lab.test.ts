// The probe against the real lab servers (Dovecot, Exim, Perdition and the flawed ones), through
// the lab DNS and trusting the lab CA, as `mailwarden probe --dns ... --ca ...` would.
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import tls from 'node:tls'
import { beforeAll, describe, expect, it } from 'vitest'
import { getLab, type Lab } from '../../e2e/lab/lab.js'
import type { EndpointReport, ProbeReport } from '../../shared/contract/probe.js'
import { createResolver } from '../dns/resolver.js'
import { type ProbeOptions, probe } from './run.js'

let lab: Lab
let options: ProbeOptions

beforeAll(() => {
  lab = getLab()
  options = {
    resolver: createResolver({ server: lab.dns.server }),
    caFile: lab.caPath,
    timeoutMs: 4_000,
    client: 'thunderbird',
    ispdbUrl: null,
  }
})

async function run(targets: string[], overrides: Partial<ProbeOptions> = {}): Promise<ProbeReport> {
  return probe({ targets, servers: [], ports: [] }, { ...options, ...overrides })
}

function at(report: ProbeReport, key: string): EndpointReport {
  const found = report.endpoints.find((e) => e.key === key)
  if (!found) throw new Error(`${key} not in the report: ${report.endpoints.map((e) => e.key).join(', ')}`)
  return found
}

const ids = (e: EndpointReport) => e.findings.map((f) => f.id)
const worstIds = (e: EndpointReport) => e.findings.filter((f) => f.severity !== 'info').map((f) => f.id)

function expectSoundTls(e: EndpointReport) {
  expect(e.tls?.certificate).toMatchObject({
    trusted: true,
    hostnameMatch: true,
    selfSigned: false,
    expired: false,
  })
  expect(e.tls?.certificate?.spkiSha256).toMatch(/^sha256\/[A-Za-z0-9+/]{43}=$/)
  expect(e.tls?.versionsAccepted).toEqual(expect.arrayContaining(['TLSv1.2', 'TLSv1.3']))
  expect(e.authBeforeTls).toEqual([])
}

describe('good servers: every port classified', () => {
  it('Dovecot: 143 and 110 STARTTLS, 993 and 995 implicit TLS, all good', async () => {
    const report = await run([
      'imap.lab.test:143',
      'imap.lab.test:993',
      'pop.lab.test:110',
      'pop.lab.test:995',
    ])
    const expected = {
      'imap.lab.test:143': ['imap', 'starttls'],
      'imap.lab.test:993': ['imap', 'implicit-tls'],
      'pop.lab.test:110': ['pop3', 'starttls'],
      'pop.lab.test:995': ['pop3', 'implicit-tls'],
    } as const
    for (const [key, [protocol, security]] of Object.entries(expected)) {
      const e = at(report, key)
      expect({ key, protocol: e.protocol, security: e.security, verdict: e.verdict }).toEqual({
        key,
        protocol,
        security,
        verdict: 'good',
      })
      expectSoundTls(e)
    }
    // The chain shown ends at the lab CA that vouches for the server.
    expect(at(report, 'imap.lab.test:993').tls?.chain.map((c) => c.subject)).toEqual([
      'CN=imap.lab.test, O=Mailwarden Lab',
      expect.stringContaining('Mailwarden Lab CA'),
    ])
    const imap143 = at(report, 'imap.lab.test:143')
    expect(ids(imap143)).toEqual(['implicit-tls-preferred'])
    // LOGINDISABLED and STARTTLS before TLS; both gone, AUTH=PLAIN added, after it.
    expect(imap143.capabilities.removed).toEqual(expect.arrayContaining(['STARTTLS', 'LOGINDISABLED']))
    expect(imap143.capabilities.added).toContain('AUTH=PLAIN')
    expect(imap143.transcript.some((l) => l.tls && l.from === 'client')).toBe(true)
  })

  it('Exim: 25 and 587 STARTTLS, 465 implicit TLS; AUTH only after TLS on 587', async () => {
    const report = await run(['smtp.lab.test:25', 'smtp.lab.test:465', 'smtp.lab.test:587'])
    expect(at(report, 'smtp.lab.test:25').security).toBe('starttls')
    expect(at(report, 'smtp.lab.test:465').security).toBe('implicit-tls')
    const submission = at(report, 'smtp.lab.test:587')
    expect(submission.security).toBe('starttls')
    for (const e of report.endpoints) {
      expect(e.protocol).toBe('smtp')
      expectSoundTls(e)
      // Debian's Exim (GnuTLS defaults) still accepts TLS 1.0/1.1: the one reservation.
      expect(worstIds(e)).toEqual(e.tls?.versionsAccepted.includes('TLSv1') ? ['tls-legacy-accepted'] : [])
    }
    expect(submission.capabilities.added.some((c) => /^AUTH\b/i.test(c))).toBe(true)
  })

  it('Perdition: 993 and 995 implicit TLS, 143 and 110 STARTTLS', async () => {
    const ports = [993, 995, 143, 110]
    const report = await run(ports.map((p) => `proxy.lab.test:${p}`))
    const security = Object.fromEntries(report.endpoints.map((e) => [e.port, [e.protocol, e.security]]))
    expect(security).toEqual({
      993: ['imap', 'implicit-tls'],
      995: ['pop3', 'implicit-tls'],
      143: ['imap', 'starttls'],
      110: ['pop3', 'starttls'],
    })
    for (const e of report.endpoints)
      expect(e.tls?.certificate).toMatchObject({ trusted: true, hostnameMatch: true })
    expect(at(report, 'proxy.lab.test:143').verdict).toBe('good')
    expect(at(report, 'proxy.lab.test:993').verdict).toBe('good')
    // Perdition 2.2 lists USER in CAPA before STLS (it refuses it, but a client may send it).
    expect(ids(at(report, 'proxy.lab.test:110'))).toContain('pop3-user-before-tls')
  })

  it('a bare host gets all seven standard ports; its closed ports are information, not a warning (issue 13)', async () => {
    // imap.lab.test (127.0.10.10) runs Dovecot and no SMTP at all.
    const report = await run(['imap.lab.test'])
    expect(report.endpoints.map((e) => e.port).sort((a, b) => a - b)).toEqual([
      25, 110, 143, 465, 587, 993, 995,
    ])
    for (const port of [25, 465, 587]) {
      const closed = at(report, `imap.lab.test:${port}`)
      expect(closed.security).toBe('unreachable')
      expect(ids(closed)).toEqual(['port-closed'])
      expect(closed.verdict).toBe('good')
    }
    // The verdict is about the ports that answer.
    expect(at(report, 'imap.lab.test:993').verdict).toBe('good')
    expect(report.verdict).toBe('good')
  })

  it('a port the user named that refuses the connection is still a warning', async () => {
    const named = await run(['imap.lab.test:25'])
    expect(ids(at(named, 'imap.lab.test:25'))).toEqual(['connection-refused'])
    expect(named.verdict).toBe('warn')
    const withPort = await probe({ targets: ['imap.lab.test'], servers: [], ports: [25, 993] }, options)
    expect(ids(at(withPort, 'imap.lab.test:25'))).toEqual(['connection-refused'])
    expect(withPort.verdict).toBe('warn')
  })

  it('a swept host where no standard port answers is not good', async () => {
    // 127.0.10.99 is a lab loopback address where nothing listens.
    const report = await run(['127.0.10.99'])
    expect(report.endpoints.every((e) => ids(e).join() === 'port-closed')).toBe(true)
    expect(report.verdict).toBe('warn')
    expect(report.notes.join(' ')).toContain('No standard mail port of 127.0.10.99 accepted a connection')
  })
})

describe('flawed servers: the right finding', () => {
  let report: ProbeReport
  beforeAll(async () => {
    report = await run([
      'plain.lab.test:143',
      'plain.lab.test:110',
      'expired.lab.test:993',
      'wronghost.lab.test:143',
      'selfsigned.lab.test:995',
      'oldtls.lab.test:993',
      'oldtls.lab.test:110',
      'authplain.lab.test:587',
      'preauth.lab.test:143',
    ])
  }, 60_000)

  it('plaintext: no TLS at all, and the cleartext logins it offers', () => {
    const imap = at(report, 'plain.lab.test:143')
    expect(imap.security).toBe('plaintext')
    expect(ids(imap)).toEqual(expect.arrayContaining(['plaintext-only', 'password-before-tls']))
    expect(imap.authBeforeTls).toContain('LOGIN')
    const pop = at(report, 'plain.lab.test:110')
    expect(pop.security).toBe('plaintext')
    expect(pop.authBeforeTls).toContain('USER')
    expect(pop.verdict).toBe('bad')
  })

  it('expired certificate', () => {
    const e = at(report, 'expired.lab.test:993')
    expect(e.security).toBe('implicit-tls')
    expect(worstIds(e)).toEqual(['cert-expired'])
    expect(e.tls?.certificate?.daysLeft).toBeLessThan(0)
    expect(e.verdict).toBe('bad')
  })

  it('certificate for another host, found after a real STARTTLS', () => {
    const e = at(report, 'wronghost.lab.test:143')
    expect(e.security).toBe('starttls')
    expect(worstIds(e)).toEqual(['cert-wrong-host'])
    expect(e.tls?.certificate?.subjectAltNames).toContain('DNS:other.example.net')
    expect(e.verdict).toBe('bad')
  })

  it('self-signed certificate: warn, with its fingerprint to pin', () => {
    const e = at(report, 'selfsigned.lab.test:995')
    expect(worstIds(e)).toEqual(['cert-self-signed'])
    expect(e.tls?.certificate?.selfSigned).toBe(true)
    expect(e.findings[0]?.detail).toContain(e.tls?.certificate?.fingerprintSha256)
    expect(e.verdict).toBe('warn')
  })

  it('old TLS only, on implicit TLS and through STLS', () => {
    for (const key of ['oldtls.lab.test:993', 'oldtls.lab.test:110']) {
      const e = at(report, key)
      expect(worstIds(e)).toEqual(['tls-legacy-only'])
      expect(e.tls?.versionsAccepted).toEqual(['TLSv1', 'TLSv1.1'])
      expect(e.tls?.versionsRefused).toEqual(['TLSv1.2', 'TLSv1.3'])
      expect(e.tls?.certificate?.trusted).toBe(true)
    }
    expect(at(report, 'oldtls.lab.test:110').security).toBe('starttls')
  })

  it('AUTH PLAIN LOGIN offered before STARTTLS', () => {
    const e = at(report, 'authplain.lab.test:587')
    expect(e.security).toBe('starttls')
    expect(e.authBeforeTls).toEqual(['AUTH PLAIN', 'AUTH LOGIN'])
    expect(ids(e)).toContain('password-before-tls')
    expect(e.verdict).toBe('bad')
  })

  it('PREAUTH greeting', () => {
    const e = at(report, 'preauth.lab.test:143')
    expect(e.preauth).toBe(true)
    expect(e.security).toBe('plaintext')
    expect(ids(e)).toContain('imap-preauth')
    expect(e.transcript.some((l) => l.from === 'client' && /STARTTLS/.test(l.text))).toBe(false)
  })
})

describe("the user's own client settings", () => {
  it('STARTTLS chosen on 993 and SSL on 587: the port is classified, the setting called out', async () => {
    const report = await probe(
      {
        targets: [],
        servers: [
          { protocol: 'imap', host: 'imap.lab.test', port: 993, security: 'STARTTLS', client: 'thunderbird' },
          { protocol: 'smtp', host: 'smtp.lab.test', port: 587, security: 'SSL/TLS', client: 'thunderbird' },
        ],
        ports: [],
      },
      options,
    )
    const imaps = at(report, 'imap.lab.test:993')
    expect(imaps.security).toBe('implicit-tls')
    expect(ids(imaps)).toContain('client-setting-mismatch')
    const submission = at(report, 'smtp.lab.test:587')
    expect(submission.security).toBe('starttls')
    expect(ids(submission)).toContain('client-setting-mismatch')
  })
})

describe('implicit TLS where a plaintext greeting was expected', () => {
  it('a silent server that answers a TLS handshake is implicit TLS on an unusual port', async () => {
    const certs = path.join(lab.stateDir, 'certs')
    const server = tls.createServer(
      {
        cert: readFileSync(path.join(certs, 'dovecot.pem')),
        key: readFileSync(path.join(certs, 'dovecot.key')),
      },
      (socket) => {
        socket.on('error', () => {})
        socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] over TLS\r\n')
        socket.on('data', (chunk) => {
          const [tag] = chunk.toString('latin1').split(' ')
          socket.write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done\r\n`)
        })
      },
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const report = await probe(
        {
          targets: [],
          servers: [{ protocol: 'imap', host: '127.0.0.1', port, security: 'STARTTLS' }],
          ports: [],
        },
        { ...options, greetingSniffMs: 200 },
      )
      const e = report.endpoints[0] as EndpointReport
      expect(e.security).toBe('implicit-tls')
      expect(ids(e)).toEqual(expect.arrayContaining(['implicit-tls-nonstandard', 'client-setting-mismatch']))
      expect(e.capabilities.afterTls).toContain('AUTH=PLAIN')
      // The lab certificate names 127.0.10.10, not 127.0.0.1.
      expect(ids(e)).toContain('cert-wrong-host')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('trust and discovery', () => {
  it('a host name that does not resolve: the probe could not run, and says why', async () => {
    await expect(run(['nope.lab.test'])).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('nope.lab.test'),
    })
  })

  it('without the lab CA file, the same good server is untrusted', async () => {
    const report = await run(['imap.lab.test:993'], { caFile: null })
    const e = at(report, 'imap.lab.test:993')
    expect(worstIds(e)).toEqual(['cert-untrusted'])
    expect(e.tls?.trustedAgainst).not.toContain(lab.caPath)
  })

  it('an address: discovered endpoints with their sources, MTA-STS and TLS-RPT, client advice', async () => {
    const progress: string[] = []
    const report = await probe({ targets: [lab.user.address], servers: [], ports: [] }, options, (p) =>
      progress.push(p.stage),
    )
    expect(report.endpoints.length).toBeGreaterThanOrEqual(6)
    const imaps = at(report, 'imap.lab.test:993')
    expect(imaps.source).toBe('srv')
    expect(imaps.sourceTrusted).toBe(true)
    expect(Object.keys(imaps.clients)).toContain('thunderbird')
    expect(report.domains[0]).toMatchObject({
      domain: 'lab.test',
      mtaSts: { status: 'good', mode: 'enforce' },
    })
    expect(report.domains[0]?.tlsRpt.reportTo).toEqual(['mailto:tlsrpt@lab.test'])
    expect(progress[0]).toBe('discovery')
    expect(progress).toContain('discovered')
    expect(progress.filter((s) => s === 'done')).toHaveLength(report.endpoints.length)
  }, 60_000)
})
