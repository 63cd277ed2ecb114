import { describe, expect, it } from 'vitest'
import { DANE_FINDINGS } from '../../../shared/knowledge/dane-findings.js'
import { DOMAIN_CHECK_FINDINGS, domainCheckFinding } from '../../../shared/knowledge/domain-check-findings.js'
import { FIRST_STEPS, firstSteps } from '../../../shared/knowledge/domain-check-steps.js'
import { DOMAIN_FINDINGS } from '../../../shared/knowledge/domain-findings.js'
import { MX_FINDINGS } from '../../../shared/knowledge/mx-findings.js'
import { PROBE_FINDINGS } from '../../../shared/knowledge/probe-findings.js'
import { explainDomainKeysPolicy } from './domainkeys-policy.js'

// Every finding table `domain check` reports from, by id.
const ALL = {
  ...DOMAIN_CHECK_FINDINGS,
  ...MX_FINDINGS,
  ...DANE_FINDINGS,
  ...DOMAIN_FINDINGS,
  ...PROBE_FINDINGS,
}

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
    for (const id of stepped) expect(ALL).toHaveProperty(id)
    const unstepped = Object.entries(DOMAIN_CHECK_FINDINGS)
      .filter(([id, f]) => f.severity !== 'info' && !stepped.has(id as never))
      .map(([id]) => id)
    expect(unstepped).toEqual(['dkim-no-selector-found', 'dmarc-psd-yes', 'check-dns-failed'])
    // The MX and DANE phases: every bad or warn finding of their own tables has a step, except a
    // failed lookup (the check says what failed; there is nothing to change in the zone).
    const phaseUnstepped = Object.entries({ ...MX_FINDINGS, ...DANE_FINDINGS, ...DOMAIN_FINDINGS })
      .filter(([id, f]) => f.severity !== 'info' && !stepped.has(id as never))
      .map(([id]) => id)
    expect(phaseUnstepped).toEqual(['domain-dns-failed'])
  })

  it('puts MX and DANE problems after the authentication records', () => {
    const steps = firstSteps(new Set(['dane-mismatch', 'mta-sts-absent', 'spf-absent', 'cert-untrusted']))
    expect(steps.map((s) => s.slice(0, 24))).toEqual([
      'Make SPF say which serve',
      'Repair DANE first: sende',
      'Make port 25 of every MX',
      'Protect delivery to you:',
    ])
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
