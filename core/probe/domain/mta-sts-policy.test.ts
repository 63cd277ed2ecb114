import { describe, expect, it } from 'vitest'
import { DOMAIN_FINDINGS, domainFinding } from '../../../shared/knowledge/domain-findings.js'
import { matchingPattern, mxMatches, parseMtaStsPolicy, parseMtaStsRecord } from './mta-sts-policy.js'
import { parseTlsRptRecord } from './tls-rpt.js'

describe('the _mta-sts TXT record', () => {
  it('reads v=STSv1 and the id, with or without spaces and a trailing semicolon, ignoring extensions', () => {
    expect(parseMtaStsRecord('v=STSv1; id=20160831085700Z;')).toEqual({
      ok: true,
      value: { id: '20160831085700Z' },
    })
    expect(parseMtaStsRecord('v=STSv1;id=abc')).toEqual({ ok: true, value: { id: 'abc' } })
    expect(parseMtaStsRecord('v=STSv1; id=abc; ext=1')).toEqual({ ok: true, value: { id: 'abc' } })
  })

  it.each([
    ['v=STSv2; id=1', /does not start with v=STSv1/],
    ['id=1; v=STSv1', /does not start/],
    ['v=STSv1', /no id/],
    ['v=STSv1; id=', /not 1 to 32/],
    [`v=STSv1; id=${'a'.repeat(33)}`, /not 1 to 32/],
    ['v=STSv1; id=a-b', /not 1 to 32/],
    ['v=STSv1; id=1; id=2', /twice/],
    ['v=STSv1; id=1; junk', /not a key=value/],
  ])('refuses %j', (record, reason) => {
    const parsed = parseMtaStsRecord(record)
    expect(parsed.ok).toBe(false)
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason)
  })
})

describe('the MTA-STS policy file', () => {
  it('reads RFC 8461’s example, CRLF or LF, several mx lines and unknown fields', () => {
    const text =
      'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n'
    expect(parseMtaStsPolicy(text)).toEqual({
      ok: true,
      value: {
        version: 'STSv1',
        mode: 'enforce',
        mx: ['mail.example.com', '*.example.net', 'backupmx.example.com'],
        maxAge: 604800,
      },
    })
    expect(
      parseMtaStsPolicy('version:STSv1\nmode:   testing\nmx: MX.Example.COM.\nmax_age: 0\nfuture: x'),
    ).toEqual({
      ok: true,
      value: { version: 'STSv1', mode: 'testing', mx: ['mx.example.com'], maxAge: 0 },
    })
    expect(parseMtaStsPolicy('version: STSv1\nmode: none\nmax_age: 86400\n')).toMatchObject({
      ok: true,
      value: { mx: [] },
    })
  })

  it.each([
    ['mode: enforce\nmx: a.example\nmax_age: 1', /no version/],
    ['version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1', /not STSv1/],
    ['version: STSv1\nmx: a.example\nmax_age: 1', /no mode/],
    ['version: STSv1\nmode: reject\nmx: a.example\nmax_age: 1', /not enforce, testing or none/],
    ['version: STSv1\nmode: enforce\nmx: a.example', /no max_age/],
    ['version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601', /not a number of seconds/],
    ['version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1', /not a number of seconds/],
    ['version: STSv1\nmode: enforce\nmax_age: 86400', /no mx line/],
    ['version: STSv1\nmode: enforce\nmx: a..example\nmax_age: 86400', /not a host name/],
    ['version: STSv1\nmode: enforce\nmx: a.*.example\nmax_age: 86400', /not a host name/],
    ['<html>404</html>', /not "key: value"/],
  ])('refuses %j', (text, reason) => {
    const parsed = parseMtaStsPolicy(text)
    expect(parsed.ok).toBe(false)
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason)
  })

  it('refuses a huge policy and a flood of mx lines', () => {
    expect(parseMtaStsPolicy(`version: STSv1\n${'x'.repeat(70_000)}`)).toMatchObject({
      ok: false,
      reason: /larger than/,
    })
    const flood = `version: STSv1\nmode: enforce\nmax_age: 1\n${'mx: a.example\n'.repeat(101)}`
    expect(parseMtaStsPolicy(flood)).toMatchObject({ ok: false, reason: /more than 100 mx/ })
  })
})

describe('MX pattern matching (RFC 8461 4.1)', () => {
  it('matches exact names case-insensitively and a wildcard for exactly one leftmost label', () => {
    expect(mxMatches('Mail.Example.com.', 'mail.example.com')).toBe(true)
    expect(mxMatches('mx1.example.net', '*.example.net')).toBe(true)
    expect(mxMatches('example.net', '*.example.net')).toBe(false)
    expect(mxMatches('a.b.example.net', '*.example.net')).toBe(false)
    expect(mxMatches('mail.example.com', 'example.com')).toBe(false)
    expect(mxMatches('mail.evil-example.net', '*.example.net')).toBe(false)
    expect(matchingPattern('mx2.example.net', ['mail.example.com', '*.example.net'])).toBe('*.example.net')
    expect(matchingPattern('other.example.org', ['mail.example.com'])).toBeNull()
  })
})

describe('the TLS-RPT record', () => {
  it('reads mailto: and https: report URIs', () => {
    expect(parseTlsRptRecord('v=TLSRPTv1; rua=mailto:reports@example.com')).toEqual({
      ok: true,
      rua: ['mailto:reports@example.com'],
    })
    expect(
      parseTlsRptRecord('v=TLSRPTv1;rua=mailto:a@example.com, https://reports.example.com/tlsrpt;'),
    ).toEqual({
      ok: true,
      rua: ['mailto:a@example.com', 'https://reports.example.com/tlsrpt'],
    })
  })

  it.each([
    ['v=TLSRPTv2; rua=mailto:a@example.com', /does not start/],
    ['v=TLSRPTv1', /no rua/],
    ['v=TLSRPTv1; rua=', /no rua/],
    ['v=TLSRPTv1; rua=http://insecure.example.com/', /not a mailto: or https:/],
    ['v=TLSRPTv1; rua=a@example.com', /not a mailto: or https:/],
    ['v=TLSRPTv1; rua=mailto:a@x.example; rua=mailto:b@x.example', /twice/],
  ])('refuses %j', (record, reason) => {
    const parsed = parseTlsRptRecord(record)
    expect(parsed.ok).toBe(false)
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason)
  })
})

describe('the domain findings table', () => {
  it('gives every finding a severity and three non-empty sentences, and fills its marks', () => {
    for (const [id, entry] of Object.entries(DOMAIN_FINDINGS)) {
      expect(['bad', 'warn', 'info'], id).toContain(entry.severity)
      for (const text of [entry.title, entry.detail, entry.fix]) expect(text.length, id).toBeGreaterThan(10)
    }
    const f = domainFinding('mta-sts-mx-mismatch', { mx: 'mx9.example.org', patterns: 'mail.example.org' })
    expect(f).toMatchObject({ id: 'mta-sts-mx-mismatch', severity: 'bad' })
    expect(f.detail).toContain('MX mx9.example.org matches none')
    expect(f.fix).toContain('"mx: mx9.example.org"')
    expect(`${f.title}${f.detail}${f.fix}`).not.toMatch(/\{\w+\}/)
  })
})
