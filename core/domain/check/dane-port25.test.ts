// Which port 25 findings a DANE result makes moot (pure logic, on hand-made reports; the lab test
// runs the whole check against real DNSSEC and Exim).
import { describe, expect, it } from 'vitest'
import type { Finding } from '../../../shared/contract/mail.js'
import type { ProbedEndpoint } from '../../probe/endpoint/probe-endpoint.js'
import type { DaneHostResult, DaneReport } from './dane.js'
import { explainPort25WithDane } from './dane-port25.js'
import type { MxCheck } from './mx-types.js'

const finding = (id: string, severity: Finding['severity']): Finding => ({
  id,
  severity,
  title: id === 'cert-wrong-host' ? 'Certificate is for another name' : id,
  detail: 'd.',
  fix: 'f',
})

function mx(findings: Finding[], enforced = false): MxCheck {
  // Only the fields explainPort25WithDane reads are real; the rest of an endpoint is not used.
  const endpoint = { findings, security: 'starttls', verdict: 'bad' } as unknown as ProbedEndpoint
  return {
    domain: 'example.test',
    kind: 'mx',
    records: [],
    hosts: [
      {
        name: 'mx.example.test',
        preference: 10,
        implicit: false,
        target: 'host',
        cname: null,
        mtaSts: enforced ? { pattern: 'mx.example.test' } : null,
        endpoint,
        notProbed: null,
        findings: [],
      },
    ],
    mtaSts: enforced
      ? ({ facts: { policy: { mode: 'enforce' } }, findings: [] } as unknown as MxCheck['mtaSts'])
      : null,
    tlsRpt: null,
    findings: [],
    notes: [],
  }
}

function dane(auth: DaneHostResult['auth'], mxValidated = true): DaneReport {
  const host: DaneHostResult = {
    host: 'mx.example.test',
    validated: true,
    tlsaBase: 'mx.example.test',
    cname: null,
    tlsa: ['3 1 1 ab'],
    chain: [],
    addresses: [],
    addressesNotChecked: [],
    auth,
    findings: [],
  }
  return { resolver: '127.0.0.1:53', mxValidated, hosts: [host], findings: [] }
}

const severities = (check: MxCheck) =>
  Object.fromEntries((check.hosts[0]?.endpoint?.findings ?? []).map((f) => [f.id, f.severity]))

describe('explainPort25WithDane', () => {
  const problems = () => [
    finding('cert-wrong-host', 'bad'),
    finding('cert-untrusted', 'bad'),
    finding('cert-expiring-soon', 'warn'),
    finding('tls-legacy-only', 'warn'),
  ]

  it('DANE-EE: name, dates and issuer are moot, bad becomes warn, the rest stays; a note per host', () => {
    const report = dane('dane-ee')
    const out = explainPort25WithDane(mx(problems()), report)
    expect(severities(out)).toEqual({
      'cert-wrong-host': 'warn',
      'cert-untrusted': 'warn',
      'cert-expiring-soon': 'warn',
      'tls-legacy-only': 'warn',
    })
    expect(out.hosts[0]?.endpoint?.verdict).toBe('warn')
    expect(out.hosts[0]?.endpoint?.findings[3]?.detail).toBe('d.')
    expect(report.findings.map((f) => f.id)).toEqual(['dane-pkix-not-needed'])
    expect(report.hosts[0]?.findings.map((f) => f.id)).toEqual(['dane-pkix-not-needed'])
    expect(report.findings[0]?.detail).toContain('certificate is for another name [cert-wrong-host]')
    expect(report.findings[0]?.detail).not.toContain('tls-legacy-only')
  })

  it('DANE-TA: only the issuer is moot; the name still counts (RFC 7672 3.2.3)', () => {
    const out = explainPort25WithDane(mx(problems()), dane('dane-ta'))
    expect(severities(out)).toMatchObject({ 'cert-wrong-host': 'bad', 'cert-untrusted': 'warn' })
  })

  it('an enforced MTA-STS policy covering the host keeps bad (its senders refuse the certificate)', () => {
    const out = explainPort25WithDane(mx(problems(), true), dane('dane-ee'))
    expect(severities(out)).toMatchObject({ 'cert-wrong-host': 'bad' })
    expect(out.hosts[0]?.endpoint?.findings[0]?.detail).toContain('MTA-STS without DANE refuse it')
  })

  it('changes nothing without a DANE match or when the MX records are not validated', () => {
    for (const report of [dane(null), dane('dane-ee', false)]) {
      const before = mx(problems())
      expect(explainPort25WithDane(before, report)).toEqual(mx(problems()))
      expect(report.findings).toEqual([])
    }
  })
})
