// DANE details of RFC 7672 against the lab's signed zone (e2e/lab/dnssec.ts): whole-data TLSA
// records (matching type 0), every address of an MX host (2.2, capped), CNAME expansion of the TLSA
// base domain (2.2.2), and port 25 certificate findings that DANE senders ignore (3.1.1). Where a
// verdict is OpenSSL's business too, its DANE code (s_client -dane_tlsa_rrdata) is asked the same.
import { X509Certificate } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DANE_DEAD_ADDRS, DANE_DOMAINS, DANE_HOSTS } from '../../../e2e/lab/dnssec.js'
import { CHAIN_EXIM_ADDR } from '../../../e2e/lab/dnssec-exim.js'
import { getLab } from '../../../e2e/lab/lab.js'
import { mailLines } from '../../cli/commands/domain-mail-report.js'
import { createResolver } from '../../dns/resolver.js'
import { loadTrust } from '../../probe/tls/trust.js'
import { checkDomain } from './check-domain.js'
import { checkDane, type DaneReport, MAX_DANE_ADDRESSES } from './dane.js'
import { chainVerdict } from './dane-match.js'
import { opensslDane } from './test-support/openssl-dane.js'
import { parseTlsaText } from './tlsa.js'

const lab = getLab()
const resolver = lab.dnssec.resolver

async function one(host: string): Promise<DaneReport> {
  return checkDane([host], { resolver, timeoutMs: 4_000 })
}

function ids(report: DaneReport): string[] {
  return report.findings.map((f) => f.id)
}

const verdict = (report: DaneReport) => (ids(report).includes('dane-match') ? 'match' : 'mismatch')

describe('TLSA matching type 0 (the whole key or certificate, RFC 6698 2.1.3)', () => {
  it('3 1 0 of the server key matches, 3 0 0 of another certificate does not, as OpenSSL says', async () => {
    const full = await one(DANE_HOSTS.fullEe)
    expect(ids(full)).toEqual(['dane-match'])
    expect(full.findings[0]?.detail).toContain('given in full')
    expect(full.hosts[0]?.auth).toBe('dane-ee')
    const other = await one(DANE_HOSTS.fullMismatch)
    expect(ids(other)).toEqual(['dane-mismatch'])
    // The finding shortens a whole certificate rather than quoting kilobytes of hex.
    expect(other.findings[0]?.detail).toMatch(/3 0 0 [0-9a-f]{32}… \(\d+ bytes in full\)/)
    for (const [host, report] of [
      [DANE_HOSTS.fullEe, full],
      [DANE_HOSTS.fullMismatch, other],
    ] as const) {
      const rr = report.hosts[0]?.tlsa[0] ?? ''
      expect(rr).toMatch(/^3 [01] 0 /)
      expect({ host, verdict: verdict(report) }).toEqual({
        host,
        verdict: opensslDane(lab.good.exim.address, host, rr),
      })
    }
  })

  it('2 1 0: the key in the record signed the leaf the server sent alone (RFC 7672 3.1.2), as OpenSSL says', async () => {
    // In the zone: mx7 is not a name on Exim's certificate, so DANE-TA refuses it on the name.
    const report = await one(DANE_HOSTS.fullTaKey)
    expect(ids(report)).toEqual(['dane-ta-name'])
    const rr = report.hosts[0]?.tlsa[0] ?? ''
    expect(rr).toMatch(/^2 1 0 /)
    expect(opensslDane(lab.good.exim.address, DANE_HOSTS.fullTaKey, rr)).toBe('mismatch')
    // With the name the certificate carries, the same record and the same leaf-only server match:
    // the anchor need not be sent when the record holds the whole key.
    const leaf = new X509Certificate(fs.readFileSync(path.join(path.dirname(lab.caPath), 'exim.pem')))
    const matched = chainVerdict('smtp.lab.test', [parseTlsaText(rr)], [leaf])
    expect(matched.finding.id).toBe('dane-match')
    expect(matched.auth).toBe('dane-ta')
    expect(matched.finding.detail).toContain('the key in the record, which signed')
    expect(opensslDane(lab.good.exim.address, 'smtp.lab.test', rr)).toBe('match')
  })
})

describe('every address of an MX host (RFC 7672 2.2)', () => {
  it('two addresses presenting the same key: one finding, both addresses listed', async () => {
    const report = await one(DANE_HOSTS.twoAddresses)
    expect(ids(report)).toEqual(['dane-match'])
    const host = report.hosts[0]
    expect(host?.addresses.map((a) => a.address).sort()).toEqual(
      [lab.good.exim.address, CHAIN_EXIM_ADDR].sort(),
    )
    expect(host?.addresses.map((a) => a.outcome)).toEqual(['dane-match', 'dane-match'])
    // The chain Exim sends two certificates, the lab Exim one: both checked, not just the first.
    expect(host?.addresses.map((a) => a.chain.length).sort()).toEqual([1, 2])
    expect(host?.auth).toBe('dane-ee')
  })

  it('five addresses: four checked, one finding per address when they differ, the rest named', async () => {
    const report = await one(DANE_HOSTS.fiveAddresses)
    const host = report.hosts[0]
    const all = [lab.good.exim.address, ...DANE_DEAD_ADDRS].sort()
    expect(host?.addresses).toHaveLength(MAX_DANE_ADDRESSES)
    expect(host?.addressesNotChecked).toHaveLength(1)
    expect(
      [...(host?.addresses.map((a) => a.address) ?? []), ...(host?.addressesNotChecked ?? [])].sort(),
    ).toEqual(all)
    for (const a of host?.addresses ?? [])
      expect([a.address, a.outcome]).toEqual([
        a.address,
        a.address === lab.good.exim.address ? 'dane-match' : 'dane-starttls-failed',
      ])
    // Findings name the address, since they differ.
    expect(host?.findings).toHaveLength(MAX_DANE_ADDRESSES)
    for (const f of host?.findings ?? []) expect(f.title).toMatch(/ at 127\.0\.10\.\d+/)
    // The lowest addresses are checked (the same report on every run): the working one among them.
    expect(host?.addressesNotChecked).toEqual([all.at(-1)])
    // A dead address beside one that works is a warning (senders try the next address).
    const dead = host?.findings.filter((f) => f.id === 'dane-starttls-failed') ?? []
    expect(dead.map((f) => f.severity)).toEqual(['warn', 'warn', 'warn'])
    expect(host?.auth).toBeNull()
  })
})

describe('a CNAME as MX host name (RFC 7672 2.2.2)', () => {
  it('the expanded name holds TLSA records: they count, not the stale one at the alias', async () => {
    const report = await one(DANE_HOSTS.aliasToTlsa)
    expect(ids(report)).toEqual(['dane-match'])
    expect(report.hosts[0]).toMatchObject({ tlsaBase: DANE_HOSTS.aliasTarget, cname: DANE_HOSTS.aliasTarget })
    // The alias's own record is of another key: had it been used, this would be a mismatch.
    const atAlias = await checkDane([DANE_HOSTS.eeMismatch], { resolver, timeoutMs: 4_000 })
    expect(ids(atAlias)).toEqual(['dane-mismatch'])
  })

  it('the expanded name has none: the records at the MX name count', async () => {
    const report = await one(DANE_HOSTS.aliasFallback)
    expect(ids(report)).toEqual(['dane-match'])
    expect(report.hosts[0]).toMatchObject({ tlsaBase: DANE_HOSTS.aliasFallback, cname: DANE_HOSTS.noTlsa })
  })

  it('DANE-TA checks the certificate against the expanded name too (3.2.3)', async () => {
    const report = await one(DANE_HOSTS.aliasTa)
    expect(ids(report)).toEqual(['dane-match'])
    expect(report.hosts[0]?.tlsaBase).toBe(DANE_HOSTS.taCert)
    expect(report.findings[0]?.detail).toContain(`names ${DANE_HOSTS.taCert}`)
  })
})

describe('port 25 certificate findings that DANE senders ignore (RFC 7672 3.1.1)', () => {
  it('a matching DANE-EE record makes the name mismatch a warning with a note, not bad', async () => {
    const report = await checkDomain(DANE_DOMAINS.eeOnly, {
      resolver: createResolver({ server: resolver, timeoutMs: 4_000 }),
      mail: { trust: await loadTrust(lab.caPath), daneResolver: resolver, timeoutMs: 4_000 },
    })
    const endpoint = report.mx?.hosts[0]?.endpoint
    const wrong = endpoint?.findings.find((f) => f.id === 'cert-wrong-host')
    expect(wrong?.severity).toBe('warn')
    expect(wrong?.detail).toContain('only senders without DANE see this')
    expect(endpoint?.verdict).toBe('warn')
    expect(report.findings.filter((f) => f.severity === 'bad')).toEqual([])
    expect(report.findings.map((f) => f.id)).toContain('dane-pkix-not-needed')
    expect(report.verdict).toBe('warn')
  })
})

describe('the text report of DANE (domain check)', () => {
  it('names each address checked, those beyond the cap, and where an alias took the TLSA lookup', async () => {
    const report = await checkDomain(DANE_DOMAINS.addresses, {
      resolver: createResolver({ server: resolver, timeoutMs: 4_000 }),
      mail: { trust: await loadTrust(lab.caPath), daneResolver: resolver, timeoutMs: 4_000 },
    })
    const text = mailLines(report).join('\n')
    const five = report.dane?.hosts.find((h) => h.host === DANE_HOSTS.fiveAddresses)
    for (const a of five?.addresses ?? []) expect(text).toContain(`    ${a.address}: ${a.outcome}`)
    expect(text).toContain(
      `    not checked (at most ${MAX_DANE_ADDRESSES} addresses per host): ${five?.addressesNotChecked[0]}`,
    )
    expect(text).toContain(
      `  ${DANE_HOSTS.aliasToTlsa} (alias of ${DANE_HOSTS.aliasTarget}): 1 TLSA record(s) at _25._tcp.${DANE_HOSTS.aliasTarget}, validated: dane-match`,
    )
  })
})
