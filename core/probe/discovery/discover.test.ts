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
