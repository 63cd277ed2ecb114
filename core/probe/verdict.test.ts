// The verdict rules of issue 6, one by one, on observations built here (no sockets).
import { describe, expect, it } from 'vitest'
import type { CertificateFacts, TlsFacts } from '../../shared/contract/probe.js'
import type { ClientSecurityMeaning } from '../../shared/contract/probe-target.js'
import { PROBE_FINDING_IDS, PROBE_FINDINGS } from '../../shared/knowledge/probe-findings.js'
import { imapCapabilities } from '../net/dialogues/imap.js'
import { pop3Capabilities } from '../net/dialogues/pop3.js'
import { smtpCapabilities } from '../net/dialogues/smtp.js'
import type { Observation } from './endpoint/observation.js'
import { authBeforeTls, findingsFor, verdictOf } from './verdict.js'

function certificate(overrides: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    subject: 'CN=imap.example.org',
    issuer: 'CN=R11, O=Let’s Encrypt',
    subjectAltNames: ['DNS:imap.example.org'],
    notBefore: '2026-10-01T00:00:00.000Z',
    notAfter: '2026-12-30T00:00:00.000Z',
    daysLeft: 60,
    serialNumber: '01',
    keyType: 'rsa',
    keyBits: 2048,
    keyCurve: null,
    signatureAlgorithm: 'sha256WithRSAEncryption',
    fingerprintSha256: 'AA:BB',
    spkiSha256: 'sha256/abc=',
    selfSigned: false,
    isCa: false,
    trusted: true,
    trustProblem: null,
    hostnameMatch: true,
    expired: false,
    notYetValid: false,
    ...overrides,
  }
}

function tls(overrides: Partial<TlsFacts> = {}, cert: Partial<CertificateFacts> = {}): TlsFacts {
  return {
    version: 'TLSv1.3',
    versionsAccepted: ['TLSv1.2', 'TLSv1.3'],
    versionsRefused: ['TLSv1', 'TLSv1.1'],
    versionsUntested: [],
    cipher: 'TLS_AES_256_GCM_SHA384',
    cipherStandardName: 'TLS_AES_256_GCM_SHA384',
    certificate: certificate(cert),
    chain: [],
    trustedAgainst: 'system CAs',
    error: null,
    ...overrides,
  }
}

/** A good STARTTLS IMAP endpoint (Dovecot with LOGINDISABLED before TLS); tests change one thing. */
function starttls(overrides: Partial<Observation> = {}): Observation {
  return {
    host: 'imap.example.org',
    port: 143,
    expectedProtocol: 'imap',
    protocol: 'imap',
    security: 'starttls',
    failure: null,
    expectedImplicit: false,
    greetingStatus: 'ok',
    greetingMentionsStartTls: false,
    before: imapCapabilities(['IMAP4rev1', 'STARTTLS', 'LOGINDISABLED']),
    after: imapCapabilities(['IMAP4rev1', 'AUTH=PLAIN']),
    injection: null,
    tls: tls(),
    clientSetting: null,
    sweep: false,
    ...overrides,
  }
}

function implicit(overrides: Partial<Observation> = {}): Observation {
  return starttls({ port: 993, security: 'implicit-tls', expectedImplicit: true, before: null, ...overrides })
}

const ids = (o: Observation) => findingsFor(o).map((f) => f.id)
const verdict = (o: Observation) => verdictOf(findingsFor(o), o.security)

function setting(overrides: Partial<ClientSecurityMeaning>): ClientSecurityMeaning {
  return {
    mode: 'starttls',
    downgradable: false,
    acceptsAnyCertificate: false,
    label: 'STARTTLS',
    client: null,
    ...overrides,
  }
}

describe('capabilities before and after TLS (issue 13)', () => {
  const smtp = (before: string[], after: string[]) =>
    starttls({
      port: 587,
      protocol: 'smtp',
      expectedProtocol: 'smtp',
      before: smtpCapabilities({ code: 250, lines: ['250-mx hello', ...before.map((l) => `250-${l}`)] }),
      after: smtpCapabilities({ code: 250, lines: ['250-mx hello', ...after.map((l) => `250-${l}`)] }),
    })

  it('SMTP offering STARTTLS again over TLS breaks RFC 3207 4.2: a warn, not good', () => {
    const o = smtp(['STARTTLS', 'SIZE 1000'], ['STARTTLS', 'SIZE 2000', 'AUTH PLAIN'])
    expect(ids(o)).toContain('starttls-offered-after-tls')
    expect(findingsFor(o).find((f) => f.id === 'starttls-offered-after-tls')?.detail).toContain(
      'RFC 3207 4.2',
    )
    expect(verdict(o)).toBe('warn')
    // A SIZE whose value changed is no lost capability.
    expect(ids(o)).not.toContain('capabilities-lost-after-tls')
  })

  it('IMAP STARTTLS or LOGINDISABLED over TLS, POP3 STLS over TLS: each its own finding with its RFC', () => {
    const imap = starttls({ after: imapCapabilities(['IMAP4rev1', 'STARTTLS', 'LOGINDISABLED']) })
    expect(ids(imap)).toEqual(
      expect.arrayContaining(['starttls-offered-after-tls', 'imap-logindisabled-after-tls']),
    )
    expect(findingsFor(imap).find((f) => f.id === 'starttls-offered-after-tls')?.detail).toContain('RFC 9051')
    expect(verdict(imap)).toBe('warn')
    const pop = starttls({
      port: 110,
      protocol: 'pop3',
      expectedProtocol: 'pop3',
      before: pop3Capabilities(['STLS', 'TOP']),
      after: pop3Capabilities(['STLS', 'TOP', 'USER']),
    })
    expect(ids(pop)).toContain('starttls-offered-after-tls')
    expect(findingsFor(pop).find((f) => f.id === 'starttls-offered-after-tls')?.detail).toContain(
      'RFC 2595 4',
    )
    // Over implicit TLS there is no "before", but STARTTLS on an encrypted session is the same fault.
    expect(ids(implicit({ after: imapCapabilities(['IMAP4rev1', 'STARTTLS', 'AUTH=PLAIN']) }))).toContain(
      'starttls-offered-after-tls',
    )
  })

  it('a login method offered before TLS but not after, and capabilities that vanish', () => {
    const o = smtp(['STARTTLS', 'AUTH PLAIN LOGIN', 'PIPELINING', '8BITMIME'], ['AUTH PLAIN', '8BITMIME'])
    expect(ids(o)).toEqual(expect.arrayContaining(['auth-missing-after-tls', 'capabilities-lost-after-tls']))
    const details = Object.fromEntries(findingsFor(o).map((f) => [f.id, f.detail]))
    expect(details['auth-missing-after-tls']).toContain('Before TLS: AUTH LOGIN; over TLS: AUTH PLAIN.')
    expect(details['capabilities-lost-after-tls']).toContain('Gone over TLS: PIPELINING.')
  })

  it('capabilities refused over TLS after they were answered in plaintext', () => {
    const o = starttls({ after: { ...imapCapabilities([]), known: false } })
    expect(ids(o)).toContain('capabilities-refused-after-tls')
    expect(verdict(o)).toBe('warn')
  })

  it('the usual change (STARTTLS and LOGINDISABLED go, AUTH=PLAIN comes) raises nothing', () => {
    expect(ids(starttls())).toEqual(['implicit-tls-preferred'])
  })
})

describe('RFC 8314 verdicts', () => {
  it('STARTTLS, no login before TLS, trusted certificate, TLS 1.2+ only: good, with the implicit-TLS info', () => {
    expect(verdict(starttls())).toBe('good')
    expect(ids(starttls())).toEqual(['implicit-tls-preferred'])
  })

  it('implicit TLS with the same facts: good and nothing to say', () => {
    expect(verdict(implicit())).toBe('good')
    expect(ids(implicit())).toEqual([])
  })

  it('port 25 STARTTLS gets no implicit-TLS nudge (MX relay has no such port)', () => {
    expect(ids(starttls({ port: 25, protocol: 'smtp', expectedProtocol: 'smtp', before: null }))).toEqual([])
  })

  it('a password accepted before TLS is bad, in each protocol’s words', () => {
    const imap = starttls({ before: imapCapabilities(['IMAP4rev1', 'STARTTLS', 'AUTH=PLAIN']) })
    expect(verdict(imap)).toBe('bad')
    expect(ids(imap)).toContain('password-before-tls')
    expect(authBeforeTls(imap).map((m) => m.label)).toEqual(['LOGIN', 'AUTH=PLAIN'])
    const smtp = starttls({
      port: 587,
      protocol: 'smtp',
      expectedProtocol: 'smtp',
      before: smtpCapabilities({
        code: 250,
        lines: ['250-mx hello', '250-STARTTLS', '250 AUTH PLAIN LOGIN'],
      }),
    })
    expect(verdict(smtp)).toBe('bad')
    expect(authBeforeTls(smtp).map((m) => m.label)).toEqual(['AUTH PLAIN', 'AUTH LOGIN'])
  })

  it('POP3 USER before STLS is a warn (advertised; acceptance is never tested with a credential)', () => {
    const pop = starttls({
      port: 110,
      protocol: 'pop3',
      expectedProtocol: 'pop3',
      before: pop3Capabilities(['USER', 'STLS']),
    })
    expect(verdict(pop)).toBe('warn')
    expect(ids(pop)).toContain('pop3-user-before-tls')
  })

  it('no login offered before TLS at all (SMTP without AUTH, POP3 without USER) stays good', () => {
    const pop = starttls({
      port: 110,
      protocol: 'pop3',
      expectedProtocol: 'pop3',
      before: pop3Capabilities(['STLS', 'TOP']),
    })
    expect(verdict(pop)).toBe('good')
  })

  it('plaintext only is bad; a greeting that merely says STARTTLS is noted', () => {
    const plain = starttls({
      security: 'plaintext',
      tls: null,
      greetingMentionsStartTls: true,
      before: imapCapabilities(['IMAP4rev1', 'LOGINDISABLED']),
    })
    expect(verdict(plain)).toBe('bad')
    expect(ids(plain)).toEqual(expect.arrayContaining(['plaintext-only', 'starttls-only-in-text']))
  })

  it('untrusted, expired and wrong-host certificates are bad', () => {
    expect(ids(implicit({ tls: tls({}, { trusted: false, trustProblem: 'unknown issuer' }) }))).toContain(
      'cert-untrusted',
    )
    expect(verdict(implicit({ tls: tls({}, { trusted: false, trustProblem: 'x' }) }))).toBe('bad')
    const expired = implicit({ tls: tls({}, { trusted: false, expired: true, daysLeft: -3 }) })
    expect(ids(expired)).toContain('cert-expired')
    expect(ids(expired)).not.toContain('cert-expiring-soon')
    expect(verdict(expired)).toBe('bad')
    const wrong = implicit({
      tls: tls({}, { hostnameMatch: false, subjectAltNames: ['DNS:other.example.net'] }),
    })
    expect(ids(wrong)).toEqual(['cert-wrong-host'])
    expect(verdict(wrong)).toBe('bad')
  })

  it('self-signed is warn (pinnable), not the generic untrusted', () => {
    const self = implicit({ tls: tls({}, { selfSigned: true, trusted: false, trustProblem: 'self-signed' }) })
    expect(ids(self)).toEqual(['cert-self-signed'])
    expect(verdict(self)).toBe('warn')
  })

  it('TLS 1.0/1.1 only is warn; also accepting them besides 1.2+ is warn too', () => {
    const old = implicit({ tls: tls({ version: 'TLSv1.1', versionsAccepted: ['TLSv1', 'TLSv1.1'] }) })
    expect(ids(old)).toEqual(['tls-legacy-only'])
    expect(verdict(old)).toBe('warn')
    const both = implicit({ tls: tls({ versionsAccepted: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] }) })
    expect(ids(both)).toEqual(['tls-legacy-accepted'])
    expect(verdict(both)).toBe('warn')
  })

  it('a version this runtime cannot offer is said plainly, and alone does not spoil the verdict', () => {
    const o = implicit({
      tls: tls({
        versionsUntested: [{ version: 'TLSv1', reason: "This runtime's OpenSSL cannot offer TLSv1." }],
      }),
    })
    expect(ids(o)).toEqual(['tls-version-untested'])
    expect(verdict(o)).toBe('good')
  })

  it('a client set to "if available" or Auto is at least warn; accept-all-certificates is bad', () => {
    expect(
      verdict(starttls({ clientSetting: setting({ downgradable: true, mode: 'auto', label: 'Auto' }) })),
    ).toBe('warn')
    expect(ids(starttls({ clientSetting: setting({ acceptsAnyCertificate: true }) }))).toContain(
      'client-setting-any-certificate',
    )
    expect(ids(implicit({ clientSetting: setting({ mode: 'starttls' }) }))).toContain(
      'client-setting-mismatch',
    )
    expect(ids(implicit({ clientSetting: setting({ mode: 'plaintext', label: 'None' }) }))).toContain(
      'client-setting-plaintext',
    )
    expect(ids(implicit({ clientSetting: setting({ mode: 'by-port', label: 'Use TLS/SSL' }) }))).toEqual([])
  })

  it('PREAUTH and injection are bad; an unreachable endpoint is at least warn', () => {
    expect(verdict(starttls({ security: 'plaintext', greetingStatus: 'preauth', tls: null }))).toBe('bad')
    expect(ids(starttls({ security: 'plaintext', greetingStatus: 'preauth', tls: null }))).toEqual([
      'imap-preauth',
    ])
    const injected = starttls({ failure: { kind: 'injection', message: 'x' }, tls: null })
    expect(ids(injected)[0]).toBe('starttls-injection')
    const refused = starttls({
      security: 'unreachable',
      failure: { kind: 'refused', message: 'x' },
      tls: null,
      before: null,
    })
    expect(verdictOf(findingsFor(refused), 'unreachable')).toBe('warn')
  })

  it('a timeout on port 25 is "likely blocked by your network", not "closed"', () => {
    const o = starttls({
      port: 25,
      security: 'unreachable',
      failure: { kind: 'connect-timeout', message: 't' },
      tls: null,
    })
    expect(ids(o)).toEqual(['port25-blocked'])
    const other = { ...o, port: 587 }
    expect(ids(other)).toEqual(['connect-timeout'])
  })
})

describe('the findings table', () => {
  it('every entry has a severity, a title, and a sentence each of meaning and of advice', () => {
    for (const id of PROBE_FINDING_IDS) {
      const entry = PROBE_FINDINGS[id]
      expect(id).toMatch(/^[a-z0-9-]+$/)
      expect(['bad', 'warn', 'info']).toContain(entry.severity)
      expect(entry.title.length).toBeGreaterThan(3)
      expect(entry.detail).toMatch(/\.$/)
      expect(entry.fix).toMatch(/[.)]$/)
    }
  })
})
