// MTA-STS and TLS-RPT of the lab domain: TXT records from the lab DNS, the policy from the lab's
// nginx over HTTPS (lab CA).
import fs from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { getLab, type Lab } from '../../../e2e/lab/lab.js'
import { createResolver, type Resolver } from '../../dns/resolver.js'
import { checkDomain, checkMtaSts } from './index.js'

let lab: Lab
let resolver: Resolver
let ca: string

beforeAll(() => {
  lab = getLab()
  resolver = createResolver({ server: lab.dns.server, timeoutMs: 4000 })
  ca = fs.readFileSync(lab.caPath, 'utf8')
})

const ids = (findings: { id: string }[]) => findings.map((f) => f.id)

describe('domain checks of lab.test', () => {
  it('finds the enforced MTA-STS policy covering the MX, and the TLS-RPT address', async () => {
    const { mtaSts, tlsRpt } = await checkDomain(lab.domain, { resolver, extraCa: ca, timeoutMs: 6000 })
    expect(mtaSts.facts).toEqual({
      domain: 'lab.test',
      record: 'v=STSv1; id=20260101000000Z',
      id: '20260101000000Z',
      policyUrl: lab.web.urls.mtaStsPolicy,
      fetched: { status: 200, contentType: 'text/plain' },
      policy: { version: 'STSv1', mode: 'enforce', mx: ['mail.lab.test'], maxAge: 604800 },
      mxHosts: [{ host: 'mail.lab.test', pattern: 'mail.lab.test' }],
    })
    expect(ids(mtaSts.findings)).toEqual(['mta-sts-mode-enforce'])
    expect(mtaSts.findings[0]?.severity).toBe('info')
    expect(tlsRpt.facts).toEqual({
      domain: 'lab.test',
      record: 'v=TLSRPTv1; rua=mailto:tlsrpt@lab.test',
      rua: ['mailto:tlsrpt@lab.test'],
    })
    expect(ids(tlsRpt.findings)).toEqual(['tlsrpt-present'])
  })

  it('flags an MX host the policy does not cover', async () => {
    const { facts, findings } = await checkMtaSts(lab.domain, {
      resolver,
      extraCa: ca,
      timeoutMs: 6000,
      mxHosts: ['mail.lab.test', 'smtp.lab.test.'],
    })
    expect(facts.mxHosts).toEqual([
      { host: 'mail.lab.test', pattern: 'mail.lab.test' },
      { host: 'smtp.lab.test', pattern: null },
    ])
    const mismatch = findings.find((f) => f.id === 'mta-sts-mx-mismatch')
    expect(mismatch).toMatchObject({ severity: 'bad' })
    expect(mismatch?.detail).toContain('smtp.lab.test')
  })

  it('refuses the policy when its certificate is not trusted (no lab CA given)', async () => {
    const { facts, findings } = await checkMtaSts(lab.domain, { resolver, timeoutMs: 6000 })
    expect(facts.policy).toBeNull()
    expect(facts.id).toBe('20260101000000Z')
    expect(findings).toMatchObject([{ id: 'mta-sts-policy-certificate', severity: 'bad' }])
  })

  it('reports a domain without either record', async () => {
    const { mtaSts, tlsRpt } = await checkDomain('nowhere.lab.test', {
      resolver,
      extraCa: ca,
      timeoutMs: 2000,
    })
    expect(ids(mtaSts.findings)).toEqual(['mta-sts-absent'])
    expect(ids(tlsRpt.findings)).toEqual(['tlsrpt-absent'])
    expect(mtaSts.facts.policy).toBeNull()
  })

  it('says the check is incomplete when DNS refuses', async () => {
    const { mtaSts, tlsRpt } = await checkDomain('example.org', { resolver, timeoutMs: 2000 })
    expect(ids(mtaSts.findings)).toEqual(['domain-dns-failed'])
    expect(ids(tlsRpt.findings)).toEqual(['domain-dns-failed'])
  })
})
