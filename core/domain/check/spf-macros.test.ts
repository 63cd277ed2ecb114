import { describe, expect, it } from 'vitest'
import { expandMacros, type MacroContext, macroLetters, parseMacroString } from './spf-macros.js'

// RFC 7208 7.4's context: strong-bad@email.example.com sending from 192.0.2.3 (or 2001:db8::cb01).
const rfc: MacroContext = {
  sender: 'strong-bad@email.example.com',
  ip: '192.0.2.3',
  domain: 'email.example.com',
  helo: 'mx.example.org',
}
const v6: MacroContext = { ...rfc, ip: '2001:db8::cb01' }
const expand = (spec: string, context = rfc, where: 'domain' | 'exp' = 'domain') => {
  const out = expandMacros(spec, context, where)
  if (!out.ok) throw new Error(out.reason)
  return out.value
}
const reason = (spec: string, where: 'domain' | 'exp' = 'domain') => {
  const out = parseMacroString(spec, where)
  return out.ok ? null : out.reason
}

describe('SPF macros (RFC 7208 7)', () => {
  it('expands the examples of RFC 7208 7.4', () => {
    const table: [string, string][] = [
      ['%{s}', 'strong-bad@email.example.com'],
      ['%{o}', 'email.example.com'],
      ['%{d}', 'email.example.com'],
      ['%{d4}', 'email.example.com'],
      ['%{d3}', 'email.example.com'],
      ['%{d2}', 'example.com'],
      ['%{d1}', 'com'],
      ['%{dr}', 'com.example.email'],
      ['%{d2r}', 'example.email'],
      ['%{l}', 'strong-bad'],
      ['%{l-}', 'strong.bad'],
      ['%{lr}', 'strong-bad'],
      ['%{lr-}', 'bad.strong'],
      ['%{l1r-}', 'strong'],
      ['%{ir}.%{v}._spf.%{d2}', '3.2.0.192.in-addr._spf.example.com'],
      ['%{lr-}.lp._spf.%{d2}', 'bad.strong.lp._spf.example.com'],
      ['%{lr-}.lp.%{ir}.%{v}._spf.%{d2}', 'bad.strong.lp.3.2.0.192.in-addr._spf.example.com'],
      ['%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}', '3.2.0.192.in-addr.strong.lp._spf.example.com'],
      ['%{d2}.trusted-domains.example.net', 'example.com.trusted-domains.example.net'],
    ]
    expect(table.map(([spec]) => [spec, expand(spec)])).toEqual(table)
    expect(expand('%{ir}.%{v}._spf.%{d2}', v6)).toBe(
      '1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com',
    )
  })

  it('expands the other letters, the escapes and the URL-escaping of uppercase letters', () => {
    expect(expand('%{h}.%{v}.%{p}', rfc)).toBe('mx.example.org.in-addr.unknown')
    expect(expand('%{p}', { ...rfc, validatedName: 'mail.example.com' })).toBe('mail.example.com')
    expect(expand('%{S}', rfc)).toBe('strong-bad%40email.example.com')
    expect(expand('%{L}.x', { ...rfc, sender: 'a b@example.com' })).toBe('a%20b.x')
    expect(expand('%%.%_.%-', rfc, 'exp')).toBe('%. .%20')
    expect(expand('%{c} %{r} %{t}', { ...v6, receiver: 'rx.example', now: 1_700_000_000_500 }, 'exp')).toBe(
      '2001:db8:0:0:0:0:0:cb01 rx.example 1700000000',
    )
    expect(expand('%{c}', rfc, 'exp')).toBe('192.0.2.3')
    expect(expand('%{l}', { ...rfc, sender: 'example.com' })).toBe('postmaster')
    expect(expand('%{o}', { ...rfc, sender: '@example.com' })).toBe('example.com')
    expect(expand('%{l}', { ...rfc, sender: '@example.com' })).toBe('postmaster')
    expect(expand('%{ir}', { ...rfc, ip: '::ffff:192.0.2.3' })).toMatch(
      /^3\.0\.2\.0\.0\.0\.0\.c\.f\.f\.f\.f\./,
    )
    expect(expand('%{d+}', { ...rfc, domain: 'a+b.c' })).toBe('a.b.c')
    expect(expand('%{d2/,}', { ...rfc, domain: 'a/b,c' })).toBe('b.c')
    expect(expand('no-macro.example')).toBe('no-macro.example')
  })

  it('cuts an expansion over 253 characters from the left, label by label', () => {
    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}`
    const out = expand('%{l}.example.com', { ...rfc, sender: `${long}@x.example` })
    expect(out.length).toBeLessThanOrEqual(253)
    expect(out).toBe(`${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example.com`)
  })

  it('says what is malformed', () => {
    expect(reason('%{x}.example.com')).toContain('not a macro letter')
    expect(reason('%{c}.example.com')).toContain('only in exp=')
    expect(reason('%{c}.example.com', 'exp')).toBeNull()
    expect(reason('%{d0}.example.com')).toContain('1 to 128')
    expect(reason('%{d129}')).toContain('1 to 128')
    expect(reason('%{d')).toContain('not a macro')
    expect(reason('%{d2x}')).toContain('not a macro')
    expect(reason('%{}')).toContain('not a macro')
    expect(reason('50%.example.com')).toContain('is not a macro')
    expect(reason('%x.example.com')).toContain('"%x"')
    expect(reason('%{i}._spf.%{d}')).toBeNull()
  })

  it('lists the letters a spec uses', () => {
    expect([...macroLetters('%{ir}.%{v}._spf.%{D2}')]).toEqual(['i', 'v', 'd'])
    expect(macroLetters('plain.example').size).toBe(0)
  })
})
