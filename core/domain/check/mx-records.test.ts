import { describe, expect, it } from 'vitest'
import { MX_FINDINGS, mxFinding } from '../../../shared/knowledge/mx-findings.js'
import type { MtaStsCheck } from '../../probe/domain/mta-sts.js'
import {
  aliasFinding,
  hostsToProbe,
  implicitMx,
  MX_HOSTS_PROBED,
  mxTarget,
  type PlannedHost,
  policyCover,
  readMxAnswer,
} from './mx-records.js'

const ids = (findings: readonly { id: string }[]) => findings.map((f) => f.id)

describe('reading an MX answer', () => {
  it('sorts by preference, then by name, and keeps each host once at its best preference', () => {
    const plan = readMxAnswer('example.org', [
      { priority: 20, exchange: 'MX2.Example.org.' },
      { priority: 10, exchange: 'mx3.example.org' },
      { priority: 10, exchange: 'mx1.example.org' },
      { priority: 30, exchange: 'mx3.example.org' },
    ])
    expect(plan.kind).toBe('mx')
    if (plan.kind !== 'mx') return
    expect(plan.records.map((r) => `${r.preference} ${r.exchange}`)).toEqual([
      '10 mx1.example.org',
      '10 mx3.example.org',
      '20 mx2.example.org',
      '30 mx3.example.org',
    ])
    expect(plan.hosts.map((h) => `${h.preference} ${h.name}`)).toEqual([
      '10 mx1.example.org',
      '10 mx3.example.org',
      '20 mx2.example.org',
    ])
    expect(plan.findings).toEqual([])
  })

  it('reads "0 ." (node gives an empty exchange) as the null MX of RFC 7505: no mail, nothing probed', () => {
    for (const exchange of ['', '.']) {
      const plan = readMxAnswer('nomail.example', [{ priority: 0, exchange }])
      expect(plan).toMatchObject({ kind: 'null', records: [{ preference: 0, exchange: '' }] })
      expect(plan.kind === 'null' ? plan.findings : []).toMatchObject([{ id: 'mx-null', severity: 'info' }])
    }
  })

  it('warns of a null MX mixed with real ones, and goes on with the real ones', () => {
    const plan = readMxAnswer('mixed.example', [
      { priority: 0, exchange: '' },
      { priority: 10, exchange: 'mx.mixed.example' },
    ])
    expect(plan.kind).toBe('mx')
    expect(plan.kind === 'mx' ? plan.hosts.map((h) => h.name) : []).toEqual(['mx.mixed.example'])
    expect(plan.kind === 'mx' ? ids(plan.findings) : []).toEqual(['mx-null-with-others'])
  })

  it('gives an empty answer to the implicit-MX path', () => {
    expect(readMxAnswer('example.org', [])).toEqual({ kind: 'none' })
  })

  it('flags an IP address or an invalid name where a host name belongs', () => {
    expect(mxTarget('192.0.2.25')).toMatchObject({ target: 'ip-literal', name: '192.0.2.25' })
    expect(mxTarget('[2001:db8::25]')).toMatchObject({ target: 'ip-literal' })
    expect(ids(mxTarget('192.0.2.25.').findings)).toEqual(['mx-ip-literal'])
    expect(mxTarget('bad_name!.example')).toMatchObject({ target: 'invalid' })
    expect(ids(mxTarget('bad_name!.example').findings)).toEqual(['mx-name-invalid'])
    expect(mxTarget('Mail.Example.org.')).toEqual({ target: 'host', name: 'mail.example.org', findings: [] })
  })
})

describe('the implicit MX (RFC 5321 5.1)', () => {
  it('makes the domain its own mail host at preference 0, with a warning naming its addresses', () => {
    const { host, finding } = implicitMx('example.org', ['192.0.2.1', '2001:db8::1'])
    expect(host).toEqual({ name: 'example.org', preference: 0, implicit: true, target: 'host', findings: [] })
    expect(finding).toMatchObject({ id: 'mx-implicit', severity: 'warn' })
    expect(finding.detail).toContain('(192.0.2.1, 2001:db8::1)')
  })
})

describe('which hosts are probed', () => {
  const host = (name: string, target: PlannedHost['target'] = 'host'): PlannedHost => ({
    name,
    preference: 10,
    implicit: false,
    target,
    findings: [],
  })

  it('probes host names only, the first MX_HOSTS_PROBED, and says so when it leaves some out', () => {
    const many = Array.from({ length: MX_HOSTS_PROBED + 2 }, (_, i) => host(`mx${i}.example.org`))
    const { probe, note } = hostsToProbe([host('192.0.2.1', 'ip-literal'), ...many])
    expect([...probe]).toEqual(many.slice(0, MX_HOSTS_PROBED).map((h) => h.name))
    expect(note).toContain(`${MX_HOSTS_PROBED + 2} MX hosts; the first ${MX_HOSTS_PROBED}`)
    expect(hostsToProbe([host('mx.example.org')]).note).toBeNull()
  })
})

describe('an MX host that is an alias (RFC 2181 10.3)', () => {
  it('is flagged with its target; a name without CNAME is not', () => {
    const finding = aliasFinding('mx.example.org', ['Real.Example.net.'])
    expect(finding).toMatchObject({ id: 'mx-cname', severity: 'warn' })
    expect(finding?.detail).toContain('MX mx.example.org is a CNAME to real.example.net')
    expect(aliasFinding('mx.example.org', [])).toBeNull()
  })
})

describe('an MX host against the MTA-STS policy', () => {
  const withPolicy = (mode: 'enforce' | 'testing', mx: string[]): MtaStsCheck => ({
    facts: {
      domain: 'example.org',
      record: 'v=STSv1; id=1',
      id: '1',
      policyUrl: 'https://mta-sts.example.org/.well-known/mta-sts.txt',
      fetched: { status: 200, contentType: 'text/plain' },
      policy: { version: 'STSv1', mode, mx, maxAge: 604800 },
      mxHosts: [],
    },
    findings: [],
  })

  it('names the covering pattern (exact or one-label wildcard), null for none, and no verdict without a policy', () => {
    const sts = withPolicy('enforce', ['mail.example.org', '*.mx.example.net'])
    expect(policyCover('mail.example.org', sts)).toEqual({ pattern: 'mail.example.org' })
    expect(policyCover('a.mx.example.net', sts)).toEqual({ pattern: '*.mx.example.net' })
    expect(policyCover('a.b.mx.example.net', sts)).toEqual({ pattern: null })
    expect(policyCover('backup.example.org', sts)).toEqual({ pattern: null })
    expect(policyCover('mail.example.org', null)).toBeNull()
    expect(policyCover('mail.example.org', { ...sts, facts: { ...sts.facts, policy: null } })).toBeNull()
  })
})

describe('the MX findings table', () => {
  it('gives every finding a severity and three non-empty sentences, and fills every mark', () => {
    const vars = {
      domain: 'example.org',
      mx: 'mx.example.org',
      target: 'real.example.net',
      count: 2,
      addresses: '192.0.2.1',
      reason: 'NXDOMAIN',
    }
    for (const [id, entry] of Object.entries(MX_FINDINGS)) {
      expect(['bad', 'warn', 'info'], id).toContain(entry.severity)
      for (const text of [entry.title, entry.detail, entry.fix]) expect(text.length, id).toBeGreaterThan(10)
      const f = mxFinding(id as keyof typeof MX_FINDINGS, vars)
      expect(`${f.title}${f.detail}${f.fix}`, id).not.toMatch(/\{\w+\}/)
    }
  })

  it('cuts a hostile name to the finding bounds', () => {
    const f = mxFinding('mx-name-invalid', { mx: 'x'.repeat(10_000) })
    expect(f.detail.length).toBeLessThanOrEqual(4000)
    expect(f.fix.length).toBeLessThanOrEqual(2000)
  })
})
