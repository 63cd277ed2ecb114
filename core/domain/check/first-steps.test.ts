import { describe, expect, it } from 'vitest'
import {
  DOMAIN_CHECK_FINDINGS,
  domainCheckFinding,
  FIRST_STEPS,
  firstSteps,
} from '../../../shared/knowledge/domain-check-findings.js'
import { explainDomainKeysPolicy } from './domainkeys-policy.js'

describe('domain check findings and first steps', () => {
  it('orders the classic Exim setup: new key, DMARC, delete the DomainKeys record', () => {
    const steps = firstSteps(new Set(['domainkeys-policy', 'dkim-key-weak', 'dkim-testing', 'dmarc-absent']))
    expect(steps.map((s) => s.slice(0, 30))).toEqual([
      'Make a new 2048-bit DKIM key u',
      'Publish a DMARC record: "v=DMA',
      'Delete the historic DomainKeys',
    ])
  })

  it('names only findings that exist, and every bad or warn finding has a step', () => {
    const stepped = new Set(FIRST_STEPS.flatMap((s) => s.when))
    for (const id of stepped) expect(DOMAIN_CHECK_FINDINGS).toHaveProperty(id)
    const unstepped = Object.entries(DOMAIN_CHECK_FINDINGS)
      .filter(([id, f]) => f.severity !== 'info' && !stepped.has(id as never))
      .map(([id]) => id)
    expect(unstepped).toEqual(['dkim-no-selector-found', 'dmarc-psd-yes', 'check-dns-failed'])
  })

  it('fills marks and leaves unknown ones', () => {
    const f = domainCheckFinding('spf-absent', { domain: 'example.com' })
    expect(f.detail).toContain('example.com has no')
    expect(domainCheckFinding('spf-absent').detail).toContain('{domain}')
  })

  it('translates DomainKeys policies into DMARC', () => {
    expect(explainDomainKeysPolicy('o=-; r=postmaster@example.com', 'example.com')).toEqual({
      meaning:
        ' (o=-: all mail from the domain is signed, unsigned mail is suspect; r=postmaster@example.com: where to send reports)',
      dmarc:
        '"v=DMARC1; p=reject; rua=mailto:postmaster@example.com" at _dmarc.example.com, reached through p=none and p=quarantine',
    })
    expect(explainDomainKeysPolicy('o=~', 'example.com').dmarc).toContain('p=none')
  })
})
