import { describe, expect, it } from 'vitest'
import { AutoconfigError, fillPlaceholders, parseAutoconfig } from './autoconfig.js'
import { XML_MAX_BYTES, XML_MAX_DEPTH, XML_MAX_ELEMENTS } from './limits.js'
import { parseXml, XmlError } from './xml.js'

const alice = { address: 'alice@example.org', localPart: 'alice', domain: 'example.org' }
const domainOnly = { address: null, localPart: null, domain: 'example.org' }

// Shaped like a real ISP database entry (comments, CDATA, Exchange entries, documentation tags).
const CONFIG = `<?xml version="1.0" encoding="UTF-8"?>
<!-- from the ISP database -->
<clientConfig version="1.1">
  <emailProvider id="example.org">
    <domain>example.org</domain>
    <domain>Example.NET</domain>
    <displayName>Example &amp; Co</displayName>
    <incomingServer type="imap">
      <hostname>imap.%EMAILDOMAIN%</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <authentication>OAuth2</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <incomingServer type='pop3'>
      <hostname>POP.example.org.</hostname>
      <port>110</port>
      <socketType>STARTTLS</socketType>
      <username><![CDATA[%EMAILLOCALPART%]]></username>
    </incomingServer>
    <incomingServer type="exchange"><hostname>ews.example.org</hostname></incomingServer>
    <incomingServer type="imap">
      <hostname>%EMAILLOCALPART%.imap.example.org</hostname>
      <port>143</port>
      <socketType>plain</socketType>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.org</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.org</hostname>
      <port>99999</port>
      <socketType>SSL</socketType>
    </outgoingServer>
    <documentation url="https://example.org/help"><descr lang="en">Help</descr></documentation>
  </emailProvider>
</clientConfig>`

describe('parseAutoconfig', () => {
  it('lists the IMAP, POP3 and SMTP servers with placeholders filled from the address', () => {
    const result = parseAutoconfig(CONFIG, alice)
    expect(result.providerId).toBe('example.org')
    expect(result.domains).toEqual(['example.org', 'example.net'])
    expect(result.servers).toEqual([
      {
        protocol: 'imap',
        host: 'imap.example.org',
        port: 993,
        expected: 'implicit-tls',
        socketType: 'SSL',
        username: 'alice@example.org',
        authentication: ['password-cleartext', 'OAuth2'],
      },
      {
        protocol: 'pop3',
        host: 'pop.example.org',
        port: 110,
        expected: 'starttls',
        socketType: 'STARTTLS',
        username: 'alice',
        authentication: [],
      },
      {
        protocol: 'imap',
        host: 'alice.imap.example.org',
        port: 143,
        expected: 'unknown',
        socketType: 'plain',
        username: null,
        authentication: [],
      },
      {
        protocol: 'smtp',
        host: 'smtp.example.org',
        port: 465,
        expected: 'implicit-tls',
        socketType: 'SSL',
        username: 'alice@example.org',
        authentication: [],
      },
    ])
    expect(result.skipped).toEqual([
      'incomingServer exchange ews.example.org: type "exchange" is not IMAP, POP3 or SMTP',
      'outgoingServer smtp smtp.example.org: "99999" is not a port',
    ])
  })

  it('skips a host name that needs the address when only the domain is known', () => {
    const result = parseAutoconfig(CONFIG, domainOnly)
    expect(result.servers.map((s) => s.host)).not.toContain('alice.imap.example.org')
    expect(result.skipped.some((s) => s.includes('needs the email address'))).toBe(true)
    expect(result.servers[0]?.username).toBe('%EMAILADDRESS%')
  })

  it('refuses documents that are not autoconfig files', () => {
    expect(() => parseAutoconfig('<html><body>Not found</body></html>', alice)).toThrow(/not <clientConfig>/)
    expect(() => parseAutoconfig('<clientConfig/>', alice)).toThrow(/no <emailProvider>/)
    expect(() => parseAutoconfig('{"json": true}', alice)).toThrow(AutoconfigError)
    expect(() => parseAutoconfig('', alice)).toThrow(/no root element/)
  })

  it('keeps at most 32 servers from a file listing hundreds', () => {
    const many = Array.from(
      { length: 500 },
      (_, i) =>
        `<incomingServer type="imap"><hostname>h${i}.example.org</hostname><port>993</port><socketType>SSL</socketType></incomingServer>`,
    ).join('')
    const result = parseAutoconfig(
      `<clientConfig><emailProvider id="x">${many}</emailProvider></clientConfig>`,
      alice,
    )
    expect(result.servers).toHaveLength(32)
    expect(result.skipped.at(-1)).toMatch(/more than 32 servers/)
  })

  it('fills placeholders without touching unknown ones', () => {
    expect(fillPlaceholders('%EMAILLOCALPART%@%EMAILDOMAIN% %REALNAME%', alice)).toBe(
      'alice@example.org %REALNAME%',
    )
  })
})

describe('parseXml against hostile input', () => {
  it('refuses a DOCTYPE, so entity bombs and external entities never expand', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><clientConfig>&lol2;</clientConfig>`
    expect(() => parseXml(bomb)).toThrow(/DOCTYPE/)
    const xxe = `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><clientConfig>&e;</clientConfig>`
    expect(() => parseXml(xxe)).toThrow(XmlError)
  })

  it('refuses undeclared entities and bare ampersands, decodes the predefined ones', () => {
    expect(() => parseXml('<a>&foo;</a>')).toThrow(/not allowed/)
    expect(() => parseXml('<a>fish & chips</a>')).toThrow(/bare "&"/)
    expect(parseXml('<a t="&quot;x&quot;">&lt;&#65;&#x42;&gt;&apos;</a>')).toMatchObject({
      attributes: { t: '"x"' },
      text: "<AB>'",
    })
    expect(() => parseXml('<a>&#0;</a>')).toThrow(/invalid character reference/)
    expect(() => parseXml('<a>&#xD800;</a>')).toThrow(/invalid character reference/)
  })

  it('refuses a document over the size cap without reading it', () => {
    const huge = `<clientConfig>${' '.repeat(XML_MAX_BYTES)}</clientConfig>`
    expect(() => parseXml(huge)).toThrow(/larger than/)
  })

  it('refuses deep nesting and element floods quickly', () => {
    const deep = `${'<a>'.repeat(XML_MAX_DEPTH + 1)}${'</a>'.repeat(XML_MAX_DEPTH + 1)}`
    expect(() => parseXml(deep)).toThrow(/nested deeper/)
    const flood = `<r>${'<e/>'.repeat(XML_MAX_ELEMENTS + 1)}</r>`
    const started = Date.now()
    expect(() => parseXml(flood)).toThrow(/more than 5000 elements/)
    expect(Date.now() - started).toBeLessThan(2000) // no hang
    const attributes = `<a ${Array.from({ length: 40 }, (_, i) => `x${i}="1"`).join(' ')}/>`
    expect(() => parseXml(attributes)).toThrow(/more than 32 attributes/)
  })

  it('refuses malformed structure with where and why', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/does not close <b>/)
    expect(() => parseXml('<a>')).toThrow(/never closed/)
    expect(() => parseXml('<a/><b/>')).toThrow(/second root/)
    expect(() => parseXml('<a x=1/>')).toThrow(/not quoted/)
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/repeated/)
    expect(() => parseXml('<a><!-- never ends </a>')).toThrow(/unterminated comment/)
    expect(() => parseXml('text<a/>')).toThrow(/outside the root/)
    expect(() => parseXml('<a x="<"/>')).toThrow(/inside attribute/)
    expect(() => parseXml('<a b/>')).toThrow(/without a value/)
    expect(() => parseXml('<1a/>')).toThrow(/name was expected/)
  })

  it('reads binary garbage as an error, not a crash', () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1')
    expect(() => parseXml(garbage)).toThrow(XmlError)
  })
})
