import { describe, expect, it } from 'vitest'
import { ownDomainOf } from './CheckOwnDomain.js'

describe('ownDomainOf', () => {
  it('finds the own domain a signing domain is or lies under, and nothing else', () => {
    const own = ['example.org', 'mail.example.net']
    expect(ownDomainOf('example.org', own)).toBe('example.org')
    expect(ownDomainOf('News.Example.ORG.', own)).toBe('example.org')
    expect(ownDomainOf('example.net', own)).toBeNull()
    expect(ownDomainOf('notexample.org', own)).toBeNull()
    expect(ownDomainOf('a.mail.example.net', own)).toBe('mail.example.net')
  })
})
