// DANE against real DNSSEC and real Exim: the lab's signed zone served by unbound (auth-zone) and a
// validating unbound with the zone's DS as its trust anchor (e2e/lab/dnssec.ts, started with the
// lab); Exim is the lab's (leaf only) and a chain-sending second Exim. The peer: OpenSSL's own
// DANE code (s_client -dane_tlsa_rrdata).
import { describe, expect, it } from 'vitest'
import { DANE_DOMAINS, DANE_HOSTS } from '../../../e2e/lab/dnssec.js'
import { CHAIN_EXIM_ADDR } from '../../../e2e/lab/dnssec-exim.js'
import { getLab } from '../../../e2e/lab/lab.js'
import { checkDane, type DaneReport } from './dane.js'
import { DNS_TYPE, queryDnssec } from './dane-dns.js'
import { opensslDane } from './test-support/openssl-dane.js'

const lab = getLab()
// The lab's signed zone, validating resolver and chain-sending Exim (started with the lab).
const dnssec = lab.dnssec

function ids(report: DaneReport, host: string): string[] {
  return report.hosts.find((h) => h.host === host)?.findings.map((f) => f.id) ?? []
}

async function one(host: string, resolver = dnssec.resolver): Promise<DaneReport> {
  return checkDane([host], { resolver, timeoutMs: 5_000 })
}

describe('DANE against the lab DNSSEC zone', () => {
  it('the resolver validates the signed zone and not the unsigned one (AD bit)', async () => {
    const signed = await queryDnssec(dnssec.resolver, `_25._tcp.${DANE_HOSTS.eeMatch}`, DNS_TYPE.TLSA, 5_000)
    expect(signed.ad).toBe(true)
    expect(signed.records).toHaveLength(2)
    const unsigned = await queryDnssec(
      dnssec.resolver,
      `_25._tcp.${DANE_HOSTS.unsigned}`,
      DNS_TYPE.TLSA,
      5_000,
    )
    expect(unsigned.records).toHaveLength(1)
    expect(unsigned.ad).toBe(false)
  })

  it('a matching 3 1 1 record on a validated zone is good', async () => {
    const report = await one(DANE_HOSTS.eeMatch)
    expect(ids(report, DANE_HOSTS.eeMatch)).toEqual(['dane-match'])
    expect(report.hosts[0]?.validated).toBe(true)
    expect(report.hosts[0]?.chain[0]).toContain('smtp.lab.test')
  })

  it('a 3 1 1 record of another key is a mismatch (bad)', async () => {
    const report = await one(DANE_HOSTS.eeMismatch)
    expect(ids(report, DANE_HOSTS.eeMismatch)).toEqual(['dane-mismatch'])
    expect(report.findings[0]?.severity).toBe('bad')
  })

  it('usage 2 matches through the lab CA when the server sends it in its chain', async () => {
    const report = await one(DANE_HOSTS.taCert)
    expect(ids(report, DANE_HOSTS.taCert)).toEqual(['dane-match'])
    expect(report.findings[0]?.detail).toContain('DANE-TA')
    expect(report.hosts[0]?.chain).toHaveLength(2)
  })

  it('usage 2 does not match when the server sends only its leaf (the lab Exim)', async () => {
    const report = await one(DANE_HOSTS.taNotInChain)
    expect(ids(report, DANE_HOSTS.taNotInChain)).toEqual(['dane-mismatch'])
    expect(report.findings[0]?.detail).toContain('only its own certificate')
  })

  it('usage 1 is flagged as unusual for SMTP and not used', async () => {
    const report = await one(DANE_HOSTS.pkixUsage)
    expect(ids(report, DANE_HOSTS.pkixUsage)).toEqual(['dane-usage-unusual'])
  })

  it('a host without TLSA in the signed zone has no DANE', async () => {
    const report = await one(DANE_HOSTS.noTlsa)
    expect(ids(report, DANE_HOSTS.noTlsa)).toEqual(['dane-none'])
  })

  it('the unsigned zone gives dane-not-validated even though its record would match', async () => {
    const report = await checkDane([DANE_HOSTS.unsigned], {
      resolver: dnssec.resolver,
      domain: DANE_DOMAINS.unsigned,
      timeoutMs: 5_000,
    })
    expect(report.mxValidated).toBe(false)
    expect(report.findings.map((f) => f.id)).toEqual(['dane-mx-unsigned', 'dane-not-validated'])
    // The TLSA answer itself is the one found unvalidated (not only the address records).
    expect(report.findings[1]?.detail).toContain(`_25._tcp.${DANE_HOSTS.unsigned} without the AD bit`)
    expect(report.findings.some((f) => f.id === 'dane-match')).toBe(false)
  })

  it('a whole domain: validated MX, one host matching, one not', async () => {
    const report = await checkDane([DANE_HOSTS.eeMatch, DANE_HOSTS.eeMismatch], {
      resolver: dnssec.resolver,
      domain: DANE_DOMAINS.signed,
      timeoutMs: 5_000,
    })
    expect(report.mxValidated).toBe(true)
    expect(report.findings.map((f) => f.id).sort()).toEqual(['dane-match', 'dane-mismatch'])
  })

  it('the authoritative server alone (no validation) gives dane-not-validated', async () => {
    const report = await one(DANE_HOSTS.eeMatch, dnssec.authoritative)
    expect(ids(report, DANE_HOSTS.eeMatch)).toEqual(['dane-not-validated'])
  })
})

describe('DANE through a resolver that does not validate (the lab dnsmasq)', () => {
  it('records it has are never called validated', async () => {
    // dnsmasq holds mail.lab.test but no TLSA: the MX RRset comes without AD.
    const report = await checkDane([lab.aliases['mail.lab.test'] ? 'mail.lab.test' : 'smtp.lab.test'], {
      resolver: lab.dns.server,
      domain: lab.domain,
      timeoutMs: 5_000,
    })
    expect(report.mxValidated).toBe(false)
    // No TLSA anywhere either: no DANE at all, a note rather than a warning.
    expect(report.findings.map((f) => f.id)).toEqual(['dane-unsigned-none', 'dane-none'])
    expect(report.findings[0]?.detail).toContain('without the AD bit')
  })
})

describe('cross-check with OpenSSL DANE (s_client -dane_tlsa_rrdata)', () => {
  it('agrees on every TLSA record of the lab zone', async () => {
    const cases = [
      [DANE_HOSTS.eeMatch, lab.good.exim.address],
      [DANE_HOSTS.eeMismatch, lab.good.exim.address],
      [DANE_HOSTS.taCert, CHAIN_EXIM_ADDR],
      [DANE_HOSTS.taNotInChain, lab.good.exim.address],
    ] as const
    for (const [host, address] of cases) {
      const ours = await one(host)
      const mine = ours.findings.some((f) => f.id === 'dane-match') ? 'match' : 'mismatch'
      // OpenSSL: any record of the set verifying counts, as for a DANE sender.
      const records = ours.hosts[0]?.tlsa ?? []
      expect(records.length).toBeGreaterThan(0)
      const theirs = records.map((r) => opensslDane(address, host, r)).includes('match')
        ? 'match'
        : 'mismatch'
      expect({ host, verdict: mine }).toEqual({ host, verdict: theirs })
    }
  })
})
