import { describe, expect, it } from 'vitest'
import { hasMacro, isSpfRecord, parseSpfRecord } from './spf-parse.js'

const terms = (record: string) => {
  const parsed = parseSpfRecord(record)
  if (!parsed.ok) throw new Error(parsed.reason)
  return parsed.terms.map((t) =>
    t.kind === 'mechanism' ? `${t.qualifier}${t.name}:${t.domain ?? ''}` : `${t.name}=${t.value}`,
  )
}
const reason = (record: string) => {
  const parsed = parseSpfRecord(record)
  return parsed.ok ? null : parsed.reason
}

describe('SPF record parser (RFC 7208)', () => {
  it('recognizes SPF records by "v=spf1" and a space or the end', () => {
    expect(isSpfRecord('v=spf1 -all')).toBe(true)
    expect(isSpfRecord('v=spf1')).toBe(true)
    expect(isSpfRecord('V=SPF1 mx')).toBe(true)
    expect(isSpfRecord('v=spf10 -all')).toBe(false)
    expect(isSpfRecord('v=DKIM1; p=')).toBe(false)
  })

  it('parses every mechanism with qualifiers, domains and prefix lengths', () => {
    expect(
      terms(
        'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a a:mail.example.com/28 mx/24//64 mx:example.org ptr ~include:_spf.example.net ?exists:%{i}.bl.example.com -all',
      ),
    ).toEqual([
      '+ip4:',
      '+ip6:',
      '+a:',
      '+a:mail.example.com',
      '+mx:',
      '+mx:example.org',
      '+ptr:',
      '~include:_spf.example.net',
      '?exists:%{i}.bl.example.com',
      '-all:',
    ])
  })

  it('keeps modifiers, and passes unknown ones (RFC 7208 6)', () => {
    expect(terms('v=spf1 redirect=_spf.example.com exp=explain.example.com foo=bar')).toEqual([
      'redirect=_spf.example.com',
      'exp=explain.example.com',
      'foo=bar',
    ])
  })

  it('collapses several spaces between terms', () => {
    expect(terms('v=spf1  mx   -all')).toEqual(['+mx:', '-all:'])
  })

  it('refuses what receivers make a permanent error', () => {
    expect(reason('v=spf1 ip4:300.1.2.3 -all')).toContain('not an IPv4')
    expect(reason('v=spf1 ip4:192.0.2.1/33')).toContain('/33')
    expect(reason('v=spf1 ip6:192.0.2.1')).toContain('IPv6')
    expect(reason('v=spf1 include -all')).toContain('needs a domain')
    expect(reason('v=spf1 include:localhost -all')).toContain('fully qualified')
    expect(reason('v=spf1 all:example.com')).toContain('no argument')
    expect(reason('v=spf1 mx/33')).toContain('prefix length')
    expect(reason('v=spf1 foo -all')).toContain('not a mechanism')
    expect(reason('v=spf1 ip:1.2.3.4 -all')).toContain('not a mechanism')
    expect(reason('v=spf1 redirect=a.example redirect=b.example')).toContain('twice')
    expect(reason('v=spf1 a:exa\u0000mple.com')).toContain('character')
    expect(reason('spf1 -all')).toContain('v=spf1')
    expect(reason(`v=spf1 ${'a '.repeat(200)}`)).toContain('terms')
    expect(reason(`v=spf1 a:${'x'.repeat(5000)}.com`)).toContain('longer')
  })

  it('knows macros', () => {
    expect(hasMacro('%{i}.example.com')).toBe(true)
    expect(hasMacro('example.com')).toBe(false)
    expect(hasMacro('a%-b.example.com')).toBe(true)
    expect(
      terms('v=spf1 include:%{d}._spf.example.com exists:%{i}._spf.%{d} redirect=%{d2}.example'),
    ).toEqual(['+include:%{d}._spf.example.com', '+exists:%{i}._spf.%{d}', 'redirect=%{d2}.example'])
  })

  it('refuses a malformed macro (RFC 7208 7.1: a permanent error)', () => {
    expect(reason('v=spf1 exists:%{x}.example.com -all')).toContain('not a macro letter')
    expect(reason('v=spf1 include:%{c}.example.com -all')).toContain('only in exp=')
    expect(reason('v=spf1 a:50%.example.com -all')).toContain('not a macro')
    expect(reason('v=spf1 redirect=%{d0}.example')).toContain('redirect=')
  })
})
