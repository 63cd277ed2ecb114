import { describe, expect, it } from 'vitest'
import { ProbeTargetRequest } from '../../../shared/contract/probe-target.js'
import { THUNDERBIRD_SOCKET_TYPES } from '../../../shared/knowledge/thunderbird-prefs.js'
import { interpretSecurityLabel, SecurityLabelError } from './security-label.js'
import { parseClientSetting, parseTarget, parseTargets, STANDARD_PORTS, TargetError } from './target.js'

describe('parseTarget', () => {
  it('reads an email address as its domain, lower-cased, local part kept', () => {
    expect(parseTarget(' Alice@Lab.Test ')).toEqual({
      kind: 'address',
      input: 'Alice@Lab.Test',
      address: 'Alice@lab.test',
      localPart: 'Alice',
      domain: 'lab.test',
    })
  })

  it('converts an internationalised domain to its ASCII form', () => {
    const t = parseTarget('jörg@bücher.de')
    expect(t).toMatchObject({ kind: 'address', domain: 'xn--bcher-kva.de' })
  })

  it('takes a registrable name as a domain and a subdomain as a host with the seven ports', () => {
    expect(parseTarget('example.co.uk')).toEqual({
      kind: 'domain',
      input: 'example.co.uk',
      domain: 'example.co.uk',
    })
    expect(parseTarget('lab.test.')).toMatchObject({ kind: 'domain', domain: 'lab.test' })
    const host = parseTarget('imap.example.org')
    expect(host).toEqual({
      kind: 'host',
      input: 'imap.example.org',
      host: 'imap.example.org',
      ports: [...STANDARD_PORTS],
    })
    expect(STANDARD_PORTS).toEqual([143, 993, 110, 995, 25, 465, 587])
  })

  it('takes --port values for a host instead of the seven, and a domain with ports as a host', () => {
    expect(parseTarget('imap.example.org', [993])).toMatchObject({ kind: 'host', ports: [993] })
    expect(parseTarget('example.org', [587, 465])).toMatchObject({
      kind: 'host',
      host: 'example.org',
      ports: [587, 465],
    })
  })

  it('reads host:port with the protocol and expected security of the standard port', () => {
    expect(parseTarget('mail.example.org:465')).toMatchObject({
      kind: 'endpoint',
      host: 'mail.example.org',
      port: 465,
      protocol: 'smtp',
      expected: 'implicit-tls',
    })
    expect(parseTarget('127.0.10.10:143')).toMatchObject({
      host: '127.0.10.10',
      protocol: 'imap',
      expected: 'starttls',
    })
  })

  it('reads IPv6 literals with and without a port', () => {
    expect(parseTarget('[::1]:993')).toMatchObject({
      kind: 'endpoint',
      host: '::1',
      port: 993,
      protocol: 'imap',
    })
    expect(parseTarget('[2001:db8::5]')).toMatchObject({
      kind: 'host',
      host: '2001:db8::5',
      ports: [...STANDARD_PORTS],
    })
    expect(parseTarget('2001:db8::5')).toMatchObject({ kind: 'host', host: '2001:db8::5' })
    // Without brackets a trailing ":993" is part of the address (::1:993 is a valid IPv6 address).
    expect(parseTarget('::1:993')).toMatchObject({ kind: 'host', host: '::1:993' })
    expect(parseTarget('127.0.0.1')).toMatchObject({ kind: 'host', host: '127.0.0.1' })
  })

  it('reads mail URLs, with their default ports, user parts and paths ignored', () => {
    expect(parseTarget('imaps://alice@imap.example.org/INBOX')).toMatchObject({
      kind: 'endpoint',
      host: 'imap.example.org',
      port: 993,
      protocol: 'imap',
      expected: 'implicit-tls',
    })
    expect(parseTarget('smtp://mail.example.org:2525')).toMatchObject({
      port: 2525,
      protocol: 'smtp',
      expected: 'unknown',
    })
    expect(parseTarget('pop3s://[::1]')).toMatchObject({ host: '::1', port: 995, protocol: 'pop3' })
  })

  it.each([
    ['', /Type an email address/],
    ['alice@', /not a domain/],
    ['@example.org', /part before @/],
    ['alice@127.0.0.1', /not a domain/],
    ['exa mple.org', /space/],
    ['-bad-.example.org', /not an email address, a domain or a host name/],
    ['host.example.org:0', /not a port/],
    ['host.example.org:70000', /not a port/],
    ['host.example.org:abc', /not a port/],
    ['host.example.org:8080', /not a standard mail port.*imaps:\/\/host\.example\.org:8080/],
    ['1::2::3:993', /brackets/],
    ['[not-v6]:993', /not an IPv6 address/],
    ['http://example.org', /not a mail URL/],
    ['imaps://', /not a valid/],
    [`${'a'.repeat(65)}@example.org`, /1 to 64/],
    [`${'a'.repeat(64)}.${'b'.repeat(64)}.org`, /not an email address, a domain or a host name/],
  ])('refuses %j with a sentence', (input, message) => {
    expect(() => parseTarget(input)).toThrow(TargetError)
    expect(() => parseTarget(input)).toThrow(message)
  })

  it('refuses a --port that is not a standard mail port for a bare host, saying how to name the protocol', () => {
    expect(() => parseTarget('imap.example.org', [10993])).toThrow(/imaps:\/\/imap\.example\.org:10993/)
  })
})

describe('client settings', () => {
  it('understands each client’s words for the security choice', () => {
    const mode = (label: string, client?: Parameters<typeof interpretSecurityLabel>[1]) =>
      interpretSecurityLabel(label, client ?? null)
    expect(mode('SSL/TLS')).toMatchObject({
      mode: 'implicit-tls',
      downgradable: false,
      acceptsAnyCertificate: false,
    })
    expect(mode('STARTTLS')).toMatchObject({ mode: 'starttls', downgradable: false })
    expect(mode('None')).toMatchObject({ mode: 'plaintext' })
    expect(mode('No encryption')).toMatchObject({ mode: 'plaintext' })
    expect(mode('TLS on a dedicated port')).toMatchObject({ mode: 'implicit-tls' })
    expect(mode('STARTTLS after connecting')).toMatchObject({ mode: 'starttls' })
    expect(mode('STARTTLS, if available', 'thunderbird')).toMatchObject({
      mode: 'starttls',
      downgradable: true,
    })
    expect(mode('Auto', 'outlook')).toMatchObject({ mode: 'auto', downgradable: true })
    // The old Android apps: "TLS" means STARTTLS, "SSL" implicit TLS.
    expect(mode('TLS', 'generic')).toMatchObject({ mode: 'starttls' })
    expect(mode('SSL', 'generic')).toMatchObject({ mode: 'implicit-tls' })
    expect(mode('TLS (Accept all certificates)')).toMatchObject({
      mode: 'starttls',
      acceptsAnyCertificate: true,
    })
    expect(mode('SSL/TLS (Accept all certificates)')).toMatchObject({
      mode: 'implicit-tls',
      acceptsAnyCertificate: true,
    })
    expect(mode('This server requires an encrypted connection (SSL)', 'outlook')).toMatchObject({
      mode: 'implicit-tls',
    })
    expect(mode('Use TLS/SSL', 'apple-mail')).toMatchObject({ mode: 'by-port' })
    expect(() => mode('Quantum')).toThrow(SecurityLabelError)
    expect(() => mode('(accept all certificates)')).toThrow(SecurityLabelError)
  })

  it('understands every label the Thunderbird prefs.js import produces', () => {
    expect(
      Object.values(THUNDERBIRD_SOCKET_TYPES).map((t) => interpretSecurityLabel(t.label, 'thunderbird').mode),
    ).toEqual(['plaintext', 'starttls', 'starttls', 'implicit-tls'])
    expect(interpretSecurityLabel('STARTTLS, if available', 'thunderbird').downgradable).toBe(true)
  })

  it('turns settings into an endpoint whose expected security follows the label, or the port for by-port', () => {
    expect(
      parseClientSetting({
        protocol: 'imap',
        host: 'IMAP.Example.org',
        port: 143,
        security: 'SSL/TLS',
        client: 'thunderbird',
      }),
    ).toMatchObject({ kind: 'settings', host: 'imap.example.org', port: 143, expected: 'implicit-tls' })
    expect(
      parseClientSetting({
        protocol: 'imap',
        host: 'imap.example.org',
        port: 993,
        security: 'Use TLS/SSL',
        client: 'apple-mail',
      }),
    ).toMatchObject({ expected: 'implicit-tls', meaning: { mode: 'by-port' } })
    expect(
      parseClientSetting({ protocol: 'smtp', host: 'smtp.example.org', port: 587, security: 'Auto' }),
    ).toMatchObject({
      expected: 'unknown',
      meaning: { mode: 'auto', downgradable: true },
    })
    expect(() =>
      parseClientSetting({ protocol: 'smtp', host: 'smtp.example.org', port: 587, security: 'maybe' }),
    ).toThrow(TargetError)
  })
})

describe('the probe-target request schema', () => {
  it('accepts targets, settings and ports, with defaults', () => {
    const request = ProbeTargetRequest.parse({ targets: ['alice@lab.test'] })
    expect(request).toEqual({ targets: ['alice@lab.test'], servers: [], ports: [] })
    expect(parseTargets(request)).toHaveLength(1)
  })

  it('refuses an empty request, too many targets, spaces, and bad ports', () => {
    expect(ProbeTargetRequest.safeParse({ targets: [] }).success).toBe(false)
    expect(ProbeTargetRequest.safeParse({ targets: Array(17).fill('a.example') }).success).toBe(false)
    expect(ProbeTargetRequest.safeParse({ targets: ['a b'] }).success).toBe(false)
    expect(ProbeTargetRequest.safeParse({ targets: ['x.example'], ports: [0] }).success).toBe(false)
    expect(ProbeTargetRequest.safeParse({ targets: ['x.example'], extra: 1 }).success).toBe(false)
    const empty = ProbeTargetRequest.safeParse({ targets: [] })
    expect(empty.success ? '' : empty.error.issues[0]?.message).toMatch(/at least one target/)
  })
})
