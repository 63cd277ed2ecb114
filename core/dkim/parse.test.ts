// Strict parsing of DKIM-Signature tag-lists and key records: every malformed input is a
// permerror with its reason, never a signature that silently disappears.
import { describe, expect, it } from 'vitest'
import { parseKeyRecord } from './key-record.js'
import { parseKeyFile } from './key-sources.js'
import { parseSignatureValue } from './signature.js'
import { parseTagList } from './tag-list.js'

const B = 'dGVzdHNpZ25hdHVyZQ=='
const BH = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='
const good = `v=1; a=rsa-sha256; c=relaxed/simple; d=example.org; s=sel; h=from:to; bh=${BH}; b=${B}`

function reason(value: string): string {
  const parsed = parseSignatureValue(value)
  if (parsed.ok) throw new Error('expected a failure')
  return parsed.failure.reason
}

describe('tag-list', () => {
  it('accepts FWS around tags and a trailing semicolon', () => {
    const parsed = parseTagList(' a = 1 ;\r\n\tb=two words ;')
    expect(parsed.ok && [...parsed.tags.values()].map((t) => [t.name, t.value])).toEqual([
      ['a', '1'],
      ['b', 'two words'],
    ])
  })

  it('refuses duplicates, empty tags, bad names, control bytes and NUL', () => {
    expect(parseTagList('a=1; a=2')).toEqual({ ok: false, reason: 'the tag a= appears twice' })
    expect(parseTagList('a=1;; b=2').ok).toBe(false)
    expect(parseTagList('1a=1').ok).toBe(false)
    expect(parseTagList('a=x\u0000y')).toEqual({ ok: false, reason: 'the a= value contains a NUL byte' })
    expect(parseTagList('a=x\r\ny').ok).toBe(false)
  })
})

describe('DKIM-Signature', () => {
  it('parses a good one with its defaults', () => {
    const parsed = parseSignatureValue(good)
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(parsed.signature).toMatchObject({
      headerCanon: 'relaxed',
      bodyCanon: 'simple',
      domain: 'example.org',
      selector: 'sel',
      signedHeaders: ['from', 'to'],
      identityDomain: 'example.org',
      bodyLength: null,
    })
    const c = parseSignatureValue(good.replace('c=relaxed/simple', 'c=relaxed'))
    expect(c.ok && c.signature.bodyCanon).toBe('simple')
  })

  it('names the reason for each malformation', () => {
    expect(reason(`${good}; d=other.org`)).toMatch(/d= appears twice/)
    expect(reason(good.replace('d=example.org', 'd=exa\u0000mple.org'))).toMatch(/NUL/)
    expect(reason(good.replace('d=example.org', 'd=exa mple.org'))).toMatch(/invalid label/)
    expect(reason(good.replace('s=sel', 's=se/l'))).toMatch(/selector/)
    expect(reason(good.replace(`b=${B}`, 'b=not*base64'))).toMatch(/b= \(the signature\) is not valid base64/)
    expect(reason(good.replace(`bh=${BH}`, 'bh=abc'))).toMatch(/bh=/)
    expect(reason(good.replace(`bh=${BH}`, `bh=${B}`))).toMatch(/bh= has 13 bytes/)
    expect(reason(good.replace('a=rsa-sha256', 'a=rsa-md5'))).toMatch(/Unknown signing algorithm a=rsa-md5/)
    expect(reason(good.replace('c=relaxed/simple', 'c=loose'))).toMatch(/canonicalization/)
    expect(reason(good.replace('h=from:to', 'h=to:subject'))).toMatch(/does not include From/)
    expect(reason(good.replace('v=1', 'v=2'))).toMatch(/version/)
    expect(reason(good.replace('s=sel; ', ''))).toMatch(/required tag s=/)
    expect(reason(`${good}; i=user@evil.example`)).toMatch(/not in the signing domain/)
    expect(reason(`${good}; l=12x`)).toMatch(/l=/)
    expect(reason(`${good}; q=http/well-known`)).toMatch(/query method/)
    expect(reason(`${good}; t=200; x=100`)).toMatch(/earlier than t=/)
  })

  it('accepts i= in a subdomain and an internationalized d= as A-labels', () => {
    const sub = parseSignatureValue(`${good}; i=news@mail.example.org`)
    expect(sub.ok && sub.signature.identityDomain).toBe('mail.example.org')
    const idn = parseSignatureValue(
      good.replace('d=example.org', `d=${Buffer.from('bücher.example', 'utf8').toString('latin1')}`),
    )
    expect(idn.ok && idn.signature.domain).toBe('xn--bcher-kva.example')
  })

  it('gives each malformation the id of its finding (ids decide, the reason only explains)', () => {
    const id = (value: string) => {
      const parsed = parseSignatureValue(value)
      return parsed.ok ? null : parsed.failure.id
    }
    expect(id(good.replace('h=from:to', 'h=to:subject'))).toBe('from-not-signed')
    expect(id(`${good}; i=user@evil.example`)).toBe('identity-invalid')
    // RFC 6376 3.5: i= is [Local-part] "@" domain-name; one without "@" or with a bad domain is a bad identity.
    expect(id(`${good}; i=no-at-sign`)).toBe('identity-invalid')
    expect(id(`${good}; i=`)).toBe('identity-invalid')
    expect(id(`${good}; i=user@bad..example.org`)).toBe('identity-invalid')
    expect(id(good.replace('v=1', 'v=2'))).toBe('signature-malformed')
    expect(id('not a tag list')).toBe('signature-malformed')
  })

  it('keeps what it could read of a malformed signature, for the report', () => {
    const parsed = parseSignatureValue(good.replace('a=rsa-sha256', 'a=foo'))
    expect(parsed.ok).toBe(false)
    if (!parsed.ok)
      expect(parsed.failure).toMatchObject({ domain: 'example.org', selector: 'sel', algorithm: 'foo' })
  })
})

describe('key records', () => {
  const ed = 'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='

  it('reads ed25519 keys and the t= flags', () => {
    const parsed = parseKeyRecord(`${ed}; t=y:s`)
    expect(
      parsed.ok && [parsed.key.keyType, parsed.key.bits, parsed.key.testing, parsed.key.strictIdentity],
    ).toEqual(['ed25519', 256, true, true])
  })

  it('says revoked for an empty p=, and refuses bad records with a reason', () => {
    expect(parseKeyRecord('v=DKIM1; p=')).toMatchObject({ ok: false, revoked: true })
    expect(parseKeyRecord('v=DKIM2; p=abc')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/DKIM1/),
    })
    expect(parseKeyRecord('k=rsa; v=DKIM1; p=abc')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/first/),
    })
    expect(parseKeyRecord('v=DKIM1; k=dsa; p=abc')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/k=dsa/),
    })
    expect(parseKeyRecord(`${ed.replace('k=ed25519', 'k=rsa')}`)).toMatchObject({ ok: false })
    expect(parseKeyRecord(`${ed}; s=voice`)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not for email/),
    })
    expect(parseKeyRecord('v=DKIM1; k=ed25519; p=AAAA')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/32 bytes/),
    })
  })

  it('reads key files, joining zone-file style strings', () => {
    const keys = parseKeyFile(
      '# comment\nsel._domainkey.example.org "v=DKIM1; " "p=abc"\n\nOther._domainkey.example.org. v=DKIM1; p=\n',
    )
    expect(keys.get('sel._domainkey.example.org')).toEqual(['v=DKIM1; p=abc'])
    expect(keys.get('other._domainkey.example.org')).toEqual(['v=DKIM1; p='])
    expect(() => parseKeyFile('justaname\n')).toThrow(/no record/)
  })
})
