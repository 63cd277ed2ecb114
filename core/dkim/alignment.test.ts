// Which method finds Organizational Domains for relaxed alignment: a key source that may ask DNS
// walks (its organizationalDomain, here a table standing in for the lab's tree walk, which
// alignment.lab.test.ts runs for real); a key file cannot, so the public suffix list answers.
import { describe, expect, it } from 'vitest'
import type { OrganizationalDomainAnswer } from '../dmarc/organizational-domain.js'
import { alignmentOf, organizationalDomainsFor } from './alignment.js'
import { cachedKeySource, type KeySource, keyFileSource } from './key-sources.js'

/** A source whose "walk" answers from a table and records what it was asked. */
function walkingSource(table: Record<string, string>, failing: string[] = []) {
  const asked: string[] = []
  const source: KeySource = {
    description: 'test DNS',
    lookup: async () => ({ kind: 'none' }),
    organizationalDomain: async (domain): Promise<OrganizationalDomainAnswer> => {
      asked.push(domain)
      if (failing.includes(domain))
        return { domain: 'ignored', basis: 'public-suffix-list', fallback: `the walk failed for ${domain}` }
      return { domain: table[domain] ?? domain, basis: 'dns-tree-walk' }
    },
  }
  return { source, asked }
}

describe('the Organizational Domain method of alignment', () => {
  it('uses the public suffix list with a key file: no DNS may be asked', async () => {
    const keys = keyFileSource('s._domainkey.example.co.uk v=DKIM1; p=AAAA\n')
    expect(keys.organizationalDomain).toBeUndefined()
    const org = await organizationalDomainsFor(['example.co.uk', 'other.co.uk'], 'mail.example.co.uk', keys)
    expect(org).toMatchObject({ basis: 'public-suffix-list', fallback: null })
    expect(alignmentOf('example.co.uk', 'mail.example.co.uk', org)).toBe('relaxed')
    // co.uk is a public suffix: two registrations under it are two organizations.
    expect(alignmentOf('other.co.uk', 'example.co.uk', org)).toBe('none')
    expect(alignmentOf('Example.co.uk.', 'example.co.uk', org)).toBe('strict')
  })

  it('uses the walk when the key source may ask DNS, and its answer wins over the list', async () => {
    // The list says both are under example.com; the walk found psd=n at a.example.com.
    const { source, asked } = walkingSource({
      'mail.a.example.com': 'a.example.com',
      'b.example.com': 'b.example.com',
    })
    const org = await organizationalDomainsFor(['b.example.com'], 'mail.a.example.com', source)
    expect(org.basis).toBe('dns-tree-walk')
    expect(alignmentOf('b.example.com', 'mail.a.example.com', org)).toBe('none')
    expect(asked).toEqual(['mail.a.example.com', 'b.example.com'])
  })

  it('walks nothing when no signature can align relaxed (strict, or sharing no more than the TLD)', async () => {
    const { source, asked } = walkingSource({})
    const org = await organizationalDomainsFor(
      ['example.com', 'esp.net', 'other.com', ''],
      'example.com',
      source,
    )
    expect(asked).toEqual([])
    expect(org.basis).toBe('dns-tree-walk')
    expect(alignmentOf('example.com', 'example.com', org)).toBe('strict')
    expect(alignmentOf('esp.net', 'example.com', org)).toBe('none')
    expect(alignmentOf('other.com', 'example.com', org)).toBe('none')
    expect(await organizationalDomainsFor(['example.com'], null, source)).toMatchObject({
      basis: 'dns-tree-walk',
    })
  })

  it('falls back to the list for the whole message when one walk fails, and says why', async () => {
    const { source } = walkingSource({ 'mail.example.com': 'mail.example.com' }, ['example.com'])
    const org = await organizationalDomainsFor(['example.com'], 'mail.example.com', source)
    expect(org).toMatchObject({ basis: 'public-suffix-list', fallback: 'the walk failed for example.com' })
    expect(alignmentOf('example.com', 'mail.example.com', org)).toBe('relaxed')
  })

  it('walks each domain once per run through a cached key source', async () => {
    const { source, asked } = walkingSource({ 'mail.example.com': 'example.com' })
    const keys = cachedKeySource(source)
    for (let i = 0; i < 3; i++) {
      const org = await organizationalDomainsFor(['example.com'], 'MAIL.example.com', keys)
      expect(alignmentOf('example.com', 'mail.example.com', org)).toBe('relaxed')
    }
    expect(asked.sort()).toEqual(['example.com', 'mail.example.com'])
  })
})
