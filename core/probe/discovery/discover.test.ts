import { describe, expect, it } from 'vitest'
import { autoconfigUrls, ispdbUrlFor, mergeEndpoints } from './discover.js'

describe('mergeEndpoints', () => {
  it('keeps one endpoint per host:port from the most trusted source, the others as alsoFrom', () => {
    const merged = mergeEndpoints([
      {
        host: 'imap.example.org',
        port: 993,
        protocol: 'imap',
        expected: 'implicit-tls',
        source: 'guess',
        sourceDetail: 'guessed',
      },
      {
        host: 'IMAP.example.org',
        port: 993,
        protocol: 'imap',
        expected: 'implicit-tls',
        source: 'autoconfig-http',
        sourceDetail: 'http://a',
      },
      {
        host: 'imap.example.org',
        port: 993,
        protocol: 'imap',
        expected: 'implicit-tls',
        source: 'srv',
        sourceDetail: 'SRV _imaps',
      },
      {
        host: 'imap.example.org',
        port: 993,
        protocol: 'imap',
        expected: 'implicit-tls',
        source: 'srv',
        sourceDetail: 'SRV _imaps',
      },
      {
        host: 'imap.example.org',
        port: 143,
        protocol: 'imap',
        expected: 'unknown',
        source: 'autoconfig-http',
        sourceDetail: 'http://a',
      },
      {
        host: 'imap.example.org',
        port: 143,
        protocol: 'imap',
        expected: 'starttls',
        source: 'guess',
        sourceDetail: 'guessed',
      },
    ])
    expect(merged).toEqual([
      {
        host: 'imap.example.org',
        port: 993,
        protocol: 'imap',
        expected: 'implicit-tls',
        source: 'srv',
        trusted: true,
        sourceDetail: 'SRV _imaps',
        alsoFrom: [
          { source: 'autoconfig-http', detail: 'http://a' },
          { source: 'guess', detail: 'guessed' },
        ],
        clientSetting: null,
      },
      {
        host: 'imap.example.org',
        port: 143,
        protocol: 'imap',
        // plain-HTTP file said "plain" (unknown); the port's role fills it in
        expected: 'starttls',
        source: 'autoconfig-http',
        trusted: false,
        sourceDetail: 'http://a',
        alsoFrom: [{ source: 'guess', detail: 'guessed' }],
        clientSetting: null,
      },
    ])
  })

  it('lets an ISP database reached over plain HTTP be untrusted', () => {
    const [e] = mergeEndpoints([
      {
        host: 'h.example',
        port: 993,
        protocol: 'imap',
        expected: 'implicit-tls',
        source: 'ispdb',
        sourceDetail: 'x',
        trusted: false,
      },
    ])
    expect(e?.trusted).toBe(false)
  })
})

describe('the order of MX and SRV endpoints', () => {
  const mx = (host: string, priority: number) => ({
    host,
    port: 25,
    protocol: 'smtp' as const,
    expected: 'starttls' as const,
    source: 'mx' as const,
    sourceDetail: `MX ${priority} ${host} of example.org`,
    priority,
  })
  const srv = (host: string, priority: number, weight: number, label = '_imaps._tcp') => ({
    host,
    port: 993,
    protocol: 'imap' as const,
    expected: 'implicit-tls' as const,
    source: 'srv' as const,
    sourceDetail: `SRV ${label}.example.org → ${host}:993`,
    priority,
    weight,
  })

  it('puts MX hosts in the order of their numeric preference, then by name', () => {
    const merged = mergeEndpoints([mx('a.example.org', 10), mx('c.example.org', 5), mx('b.example.org', 5)])
    expect(merged.map((e) => e.host)).toEqual(['b.example.org', 'c.example.org', 'a.example.org'])
  })

  it('names a host listed at two preferences by its preferred record', () => {
    const [e] = mergeEndpoints([mx('h.example.org', 10), mx('h.example.org', 5)])
    expect(e?.sourceDetail).toBe('MX 5 h.example.org of example.org')
    expect(e?.alsoFrom).toEqual([{ source: 'mx', detail: 'MX 10 h.example.org of example.org' }])
  })

  it('puts SRV targets by priority, then the larger weight first (RFC 2782), then by name', () => {
    const merged = mergeEndpoints([
      srv('d.example.org', 10, 0),
      srv('c.example.org', 5, 10),
      srv('b.example.org', 5, 60),
      srv('a.example.org', 5, 10),
    ])
    expect(merged.map((e) => e.host)).toEqual([
      'b.example.org',
      'a.example.org',
      'c.example.org',
      'd.example.org',
    ])
    const [e] = mergeEndpoints([
      srv('h.example.org', 10, 0, '_imaps._tcp'),
      srv('h.example.org', 5, 0, '_imap._tcp'),
    ])
    expect(e?.sourceDetail).toBe('SRV _imap._tcp.example.org → h.example.org:993')
  })
})

describe('the URLs discovery asks', () => {
  it('builds Thunderbird’s autoconfig URLs, with the address only where Thunderbird sends it', () => {
    expect(autoconfigUrls({ address: 'a+b@example.org', localPart: 'a+b', domain: 'example.org' })).toEqual([
      {
        url: 'https://autoconfig.example.org/mail/config-v1.1.xml?emailaddress=a%2Bb%40example.org',
        source: 'autoconfig-https',
      },
      { url: 'https://example.org/.well-known/autoconfig/mail/config-v1.1.xml', source: 'autoconfig-https' },
      {
        url: 'http://autoconfig.example.org/mail/config-v1.1.xml?emailaddress=a%2Bb%40example.org',
        source: 'autoconfig-http',
      },
      { url: 'http://example.org/.well-known/autoconfig/mail/config-v1.1.xml', source: 'autoconfig-http' },
    ])
    expect(ispdbUrlFor('https://autoconfig.thunderbird.net/v1.1/', 'example.org')).toBe(
      'https://autoconfig.thunderbird.net/v1.1/example.org',
    )
    expect(ispdbUrlFor('https://ispdb.lab.test/v1.1', 'lab.test')).toBe(
      'https://ispdb.lab.test/v1.1/lab.test',
    )
  })
})
