import { describe, expect, it } from 'vitest'
import { isDmarcRecord, parseDmarcRecord, policyRank, reportUris } from './record.js'
import { applicableRecord, organizationalDomain, type WalkEntry } from './tree-walk.js'

describe('DMARC record parser (RFC 9989)', () => {
  it('reads tags, lower-casing the closed sets', () => {
    const parsed = parseDmarcRecord('v=DMARC1; p=Reject; sp=none; adkim=S; rua=mailto:a@example.com')
    expect(parsed).toEqual({
      ok: true,
      tags: { v: 'DMARC1', p: 'reject', sp: 'none', adkim: 's', rua: 'mailto:a@example.com' },
      invalid: [],
    })
  })

  it('lists values outside their set with what receivers use instead', () => {
    const parsed = parseDmarcRecord('v=DMARC1; p=block; psd=x; fo=2')
    expect(parsed.ok && parsed.invalid.map((i) => `${i.tag}=${i.value} -> ${i.fallback}`)).toEqual([
      'p=block -> none, when rua= is given',
      'psd=x -> u',
      'fo=2 -> 0',
    ])
    expect(parsed.ok && parsed.tags.p).toBeUndefined()
  })

  it('refuses a record not starting with v=DMARC1, or too long', () => {
    expect(parseDmarcRecord('p=reject; v=DMARC1')).toMatchObject({ ok: false })
    expect(parseDmarcRecord(`v=DMARC1; n=${'x'.repeat(5000)}`)).toMatchObject({ ok: false })
  })

  it('reads a record that breaks the tag-list grammar as lenient receivers do, and says so', () => {
    expect(parseDmarcRecord('v=DMARC1; p=reject;; rua=mailto:a@b.example')).toMatchObject({
      ok: true,
      tags: { p: 'reject', rua: 'mailto:a@b.example' },
      grammarError: expect.stringContaining('empty tag'),
    })
    expect(parseDmarcRecord('v=DMARC1; p=reject; p=none')).toMatchObject({
      ok: true,
      tags: { p: 'none' },
      grammarError: expect.stringContaining('twice'),
    })
    expect(parseDmarcRecord('v=DMARC1; p=reject')).not.toHaveProperty('grammarError')
  })

  it('recognizes DMARC records as RFC 9989 discovery does', () => {
    expect(isDmarcRecord('v=DMARC1; p=none')).toBe(true)
    expect(isDmarcRecord('v=DMARC1')).toBe(true)
    expect(isDmarcRecord('v=DMARC1 p=none')).toBe(false)
    expect(isDmarcRecord('v=spf1 -all')).toBe(false)
  })

  it('splits report URIs and finds their addresses', () => {
    expect(
      reportUris('mailto:a@Example.com, mailto:b@r.example.net!10m,https://x.example/r, nobody'),
    ).toEqual([
      { uri: 'mailto:a@Example.com', address: 'a@example.com' },
      { uri: 'mailto:b@r.example.net!10m', address: 'b@r.example.net' },
      { uri: 'https://x.example/r', address: null },
      { uri: 'nobody', address: null },
    ])
    expect(reportUris(undefined)).toEqual([])
  })

  it('ranks policies', () => {
    expect(policyRank('none')).toBeLessThan(policyRank('quarantine'))
    expect(policyRank('quarantine')).toBeLessThan(policyRank('reject'))
    expect(policyRank(undefined)).toBe(policyRank('none'))
  })
})

describe('Organizational Domain from a tree walk (RFC 9989 4.10.2)', () => {
  const entry = (domain: string, tags: Record<string, string> = {}): WalkEntry => ({
    domain,
    record: 'v=DMARC1',
    tags: { v: 'DMARC1', ...tags },
    invalid: [],
  })

  it('is the domain itself when nothing was found', () => {
    expect(organizationalDomain('a.b.example', [])).toBe('a.b.example')
    expect(applicableRecord('a.b.example', [])).toBeNull()
  })

  it('is the shortest name with a record when no record says psd', () => {
    const found = [entry('b.example'), entry('example')]
    expect(organizationalDomain('a.b.example', found)).toBe('example')
    expect(applicableRecord('a.b.example', found)?.domain).toBe('example')
  })

  it('is a psd=n name, or the name one label below a psd=y one', () => {
    expect(organizationalDomain('a.b.example', [entry('b.example', { psd: 'n' })])).toBe('b.example')
    expect(organizationalDomain('x.a.b.example', [entry('example', { psd: 'y' })])).toBe('b.example')
    // A PSD's own record applies when the org domain has none.
    expect(applicableRecord('x.a.b.example', [entry('example', { psd: 'y' })])?.domain).toBe('example')
  })

  it('prefers the domain’s own record', () => {
    const found = [entry('a.b.example', { p: 'none' }), entry('b.example', { psd: 'n' })]
    expect(applicableRecord('a.b.example', found)?.tags.p).toBe('none')
    expect(organizationalDomain('a.b.example', found)).toBe('b.example')
  })
})
