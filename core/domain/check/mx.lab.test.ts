// The MX check against the running lab: lab.test's MX mail.lab.test (Exim, STARTTLS on 25) with an
// enforced MTA-STS policy and TLS-RPT; names with no MX (the implicit MX, RFC 5321 5.1) and a name
// that does not exist, through the lab DNS and trusting the lab CA.
import dgram from 'node:dgram'
import { performance } from 'node:perf_hooks'
import { beforeAll, describe, expect, it } from 'vitest'
import { getLab, type Lab } from '../../../e2e/lab/lab.js'
import { createResolver, type Resolver } from '../../dns/resolver.js'
import { loadTrust, type TrustAnchors } from '../../probe/tls/trust.js'
import { checkMx, type MxCheckOptions } from './mx.js'

let lab: Lab
let options: MxCheckOptions

beforeAll(async () => {
  lab = getLab()
  const resolver: Resolver = createResolver({ server: lab.dns.server, timeoutMs: 4000 })
  const trust: TrustAnchors = await loadTrust(lab.caPath)
  options = { resolver, trust, timeoutMs: 4000 }
})

const ids = (findings: readonly { id: string }[]) => findings.map((f) => f.id)

describe('checkMx against the lab', () => {
  it('probes lab.test’s MX on port 25 and matches it against the enforced MTA-STS policy', async () => {
    const check = await checkMx(lab.domain, options)
    expect(check.kind).toBe('mx')
    expect(check.records).toEqual([{ preference: 10, exchange: 'mail.lab.test' }])
    expect(check.findings).toEqual([])
    expect(check.hosts).toHaveLength(1)
    const host = check.hosts[0]
    expect(host).toMatchObject({
      name: 'mail.lab.test',
      preference: 10,
      implicit: false,
      target: 'host',
      cname: null,
      mtaSts: { pattern: 'mail.lab.test' },
      notProbed: null,
      findings: [],
    })
    const endpoint = host?.endpoint
    expect(endpoint).toMatchObject({
      key: 'mail.lab.test:25',
      address: lab.good.exim.address,
      protocol: 'smtp',
      security: 'starttls',
      source: 'mx',
    })
    expect(endpoint?.tls?.certificate?.trusted).toBe(true)
    expect(endpoint?.tls?.versionsAccepted).toContain('TLSv1.3')
    expect(endpoint?.findings.filter((f) => f.severity !== 'info')).toEqual([])
    expect(check.mtaSts?.facts.policy).toMatchObject({ mode: 'enforce', mx: ['mail.lab.test'] })
    expect(ids(check.mtaSts?.findings ?? [])).toEqual(['mta-sts-mode-enforce'])
    expect(ids(check.tlsRpt?.findings ?? [])).toEqual(['tlsrpt-present'])
    expect(check.notes).toEqual([])
  })

  it('falls back to the implicit MX of a name with an address and no MX, and probes it', async () => {
    // smtp.lab.test has an A record (Exim) and no MX: senders deliver to its address.
    const check = await checkMx('smtp.lab.test', options)
    expect(check.kind).toBe('implicit')
    expect(check.records).toEqual([])
    expect(ids(check.findings)).toEqual(['mx-implicit'])
    expect(check.findings[0]?.detail).toContain(lab.good.exim.address)
    expect(check.hosts).toMatchObject([
      { name: 'smtp.lab.test', preference: 0, implicit: true, notProbed: null, mtaSts: null },
    ])
    expect(check.hosts[0]?.endpoint?.security).toBe('starttls')
    expect(check.hosts[0]?.endpoint?.sourceDetail).toContain('implicit MX')
    expect(ids(check.mtaSts?.findings ?? [])).toEqual(['mta-sts-absent'])
    expect(ids(check.tlsRpt?.findings ?? [])).toEqual(['tlsrpt-absent'])
  })

  it('reports the refused port 25 of an implicit MX that runs no SMTP server', async () => {
    const check = await checkMx('imap.lab.test', options)
    expect(check.kind).toBe('implicit')
    expect(ids(check.hosts[0]?.endpoint?.findings ?? [])).toEqual(['connection-refused'])
  })

  it('says a name with neither MX nor address receives no mail, and probes nothing', async () => {
    const check = await checkMx('nowhere.lab.test', options)
    expect(check.kind).toBe('absent')
    expect(check.findings).toMatchObject([{ id: 'mx-absent', severity: 'bad' }])
    expect(check.findings[0]?.detail).toContain('nowhere.lab.test')
    expect(check.hosts).toEqual([])
    expect(check.mtaSts).toBeNull()
    expect(check.tlsRpt).toBeNull()
  })

  it('says the check is incomplete when DNS refuses, and probes nothing', async () => {
    const check = await checkMx('example.org', options)
    expect(check.kind).toBe('dns-failed')
    expect(check.findings).toMatchObject([{ id: 'domain-dns-failed', severity: 'warn' }])
    expect(check.hosts).toEqual([])
  })

  it('refuses a name that is no domain before asking anything', async () => {
    await expect(checkMx('not a domain', options)).rejects.toMatchObject({ code: 'invalid-request' })
    await expect(checkMx('127.0.10.11', options)).rejects.toThrow(/is not a domain name/)
    // Case and a final dot are a name's spelling, not another name.
    expect((await checkMx('LAB.TEST.', options)).domain).toBe('lab.test')
  })

  it('stops at once when cancelled', async () => {
    const controller = new AbortController()
    const started = checkMx(lab.domain, { ...options, signal: controller.signal })
    controller.abort()
    await expect(started).rejects.toMatchObject({ kind: 'cancelled' })
  })

  it('gives up on a DNS server that never answers, within the check’s timeout', async () => {
    // A UDP socket that reads every query and answers none: the resolver alone would wait 10 s.
    const silent = dgram.createSocket('udp4')
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve))
    try {
      const resolver = createResolver({ server: `127.0.0.1:${silent.address().port}`, timeoutMs: 10_000 })
      const t0 = performance.now()
      const check = await checkMx(lab.domain, { ...options, resolver, timeoutMs: 800 })
      expect(performance.now() - t0).toBeLessThan(2000)
      expect(check.kind).toBe('dns-failed')
      expect(check.findings).toMatchObject([{ id: 'domain-dns-failed' }])
      expect(check.findings[0]?.detail).toMatch(/did not answer .* in time/)
    } finally {
      silent.close()
    }
  })
})
