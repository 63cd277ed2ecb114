// DMARC of the lab's admin test domains (e2e/lab/admin-domains.ts): the RFC 9989 tree walk against
// dnsmasq, and one test per DMARC finding.
import { describe, expect, it } from 'vitest'
import { ADMIN } from '../../../e2e/lab/admin-domains.js'
import { checkDmarc } from './dmarc.js'
import { ids, labResolver } from './test-support/lab.js'

const { lab, resolver } = labResolver()

describe('DMARC (lab)', () => {
  it('reads the domain’s own record in one query when it says psd=n', async () => {
    const d = await checkDmarc(ADMIN.good, { resolver })
    expect(d).toMatchObject({
      recordName: `_dmarc.${ADMIN.good}`,
      inherited: false,
      organizationalDomain: ADMIN.good,
    })
    expect(d.queried).toEqual([`_dmarc.${ADMIN.good}`])
    expect(ids(d.findings)).toEqual(['dmarc-present'])
  })

  it('finds the organizational domain’s record for a subdomain without its own', async () => {
    const d = await checkDmarc(ADMIN.dmarcSub, { resolver })
    expect(d).toMatchObject({
      recordName: `_dmarc.${ADMIN.dmarcOrg}`,
      inherited: true,
      organizationalDomain: ADMIN.dmarcOrg,
    })
    expect(ids(d.findings)).toEqual(['dmarc-present', 'dmarc-inherited', 'dmarc-subdomain-weaker'])
  })

  it('cuts a name of eight or more labels to seven before climbing (at most 8 queries)', async () => {
    const d = await checkDmarc(ADMIN.dmarcDeep, { resolver })
    expect(d.queried).toEqual([
      `_dmarc.${ADMIN.dmarcDeep}`,
      `_dmarc.e.f.g.h.${ADMIN.dmarcOrg}`,
      `_dmarc.f.g.h.${ADMIN.dmarcOrg}`,
      `_dmarc.g.h.${ADMIN.dmarcOrg}`,
      `_dmarc.h.${ADMIN.dmarcOrg}`,
      `_dmarc.${ADMIN.dmarcOrg}`,
    ])
    expect(d.recordName).toBe(`_dmarc.${ADMIN.dmarcOrg}`)
  })

  it('walks to the top when no record says psd, and takes the shortest name with a record', async () => {
    const d = await checkDmarc(ADMIN.weak512, { resolver })
    expect(d.queried).toEqual([`_dmarc.${ADMIN.weak512}`, `_dmarc.${lab.domain}`, '_dmarc.test'])
    expect(d).toMatchObject({
      recordName: `_dmarc.${lab.domain}`,
      inherited: true,
      organizationalDomain: lab.domain,
    })
  })

  it('finds no record at all for the classic Exim domain', async () => {
    const d = await checkDmarc(ADMIN.classic, { resolver })
    expect(d.record).toBeNull()
    expect(ids(d.findings)).toEqual(['dmarc-absent'])
  })

  it('explains p=none', async () => {
    expect(ids((await checkDmarc(ADMIN.dmarcNone, { resolver })).findings)).toEqual([
      'dmarc-present',
      'dmarc-policy-none',
    ])
  })

  it('reports pct= as removed, and that p= now applies to all failing mail', async () => {
    const d = await checkDmarc(ADMIN.dmarcPct, { resolver })
    expect(ids(d.findings)).toEqual(['dmarc-present', 'dmarc-removed-tag'])
    expect(d.findings[1]?.detail).toContain('pct=25')
  })

  it('checks an external report address for its authorization record', async () => {
    const unauthorized = await checkDmarc(ADMIN.dmarcUnauthorized, { resolver })
    expect(ids(unauthorized.findings)).toEqual(['dmarc-present', 'dmarc-report-unauthorized'])
    expect(unauthorized.findings[1]?.detail).toContain(
      `${ADMIN.dmarcUnauthorized}._report._dmarc.${ADMIN.reports}`,
    )
    const authorized = await checkDmarc(ADMIN.dmarcAuthorized, { resolver })
    expect(ids(authorized.findings)).toEqual(['dmarc-present', 'dmarc-report-authorized'])
  })

  it('flags several records at the domain (then the parent’s applies) and a malformed one', async () => {
    const multi = await checkDmarc(ADMIN.dmarcMulti, { resolver })
    expect(ids(multi.findings)).toEqual(['dmarc-multiple', 'dmarc-present', 'dmarc-inherited'])
    expect(multi.recordName).toBe(`_dmarc.${lab.domain}`)
    const syntax = await checkDmarc(ADMIN.dmarcSyntax, { resolver })
    // Read as most receivers read it (";;" skipped), and flagged: strict receivers ignore it.
    expect(ids(syntax.findings)).toEqual(['dmarc-syntax', 'dmarc-present'])
    expect(syntax.recordName).toBe(`_dmarc.${ADMIN.dmarcSyntax}`)
  })

  it('flags sp/np weaker than p, t=y, strict alignment, rf/ri, ruf, an invalid value and a bad URI', async () => {
    const d = await checkDmarc(ADMIN.dmarcMisc, { resolver })
    expect(ids(d.findings)).toEqual([
      'dmarc-present',
      'dmarc-tag-invalid',
      'dmarc-subdomain-weaker', // sp=none; np=quarantine is weaker than p=reject but not than sp=none
      'dmarc-testing',
      'dmarc-strict-alignment',
      'dmarc-removed-tag',
      'dmarc-removed-tag',
      'dmarc-failure-reports',
      'dmarc-uri-invalid',
    ])
  })

  it('flags a record without p=', async () => {
    const d = await checkDmarc(ADMIN.dmarcNoPolicy, { resolver })
    expect(ids(d.findings)).toEqual(['dmarc-present', 'dmarc-policy-missing'])
  })

  it('flags psd=y on an own domain, and a record without rua=', async () => {
    expect(ids((await checkDmarc(ADMIN.dmarcPsd, { resolver })).findings)).toEqual([
      'dmarc-present',
      'dmarc-psd-yes',
    ])
    expect(ids((await checkDmarc(ADMIN.dmarcNoRua, { resolver })).findings)).toEqual([
      'dmarc-present',
      'dmarc-no-rua',
    ])
  })
})
