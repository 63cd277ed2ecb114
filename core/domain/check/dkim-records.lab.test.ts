// DKIM key records of the lab's admin test domains (e2e/lab/admin-domains.ts), served by dnsmasq:
// one test per DKIM finding.
import { describe, expect, it } from 'vitest'
import { ADMIN } from '../../../e2e/lab/admin-domains.js'
import { adminKeyFile } from '../../../e2e/lab/admin-keys.js'
import { checkDkimRecords } from './dkim-records.js'
import { readPrivateKey } from './private-key.js'
import { ids, labResolver } from './test-support/lab.js'

const { lab, resolver } = labResolver()
const one = async (domain: string, selector: string) => {
  const check = await checkDkimRecords(domain, { resolver, selectors: [selector] })
  expect(check.selectors).toHaveLength(1)
  return check.selectors[0] as NonNullable<(typeof check.selectors)[0]>
}

describe('DKIM key records (lab)', () => {
  it('finds the classic Exim selector x from the common list: 1024 bits, t=y', async () => {
    const check = await checkDkimRecords(ADMIN.classic, { resolver })
    expect(check.selectorsTried).toBeGreaterThanOrEqual(10)
    expect(check.selectors.map((s) => s.selector)).toEqual(['x'])
    const [x] = check.selectors
    expect(x?.source).toContain('Exim')
    expect(x?.key).toMatchObject({ keyType: 'rsa', bits: 1024, testing: true })
    expect(ids(check.findings)).toEqual(['dkim-key-found', 'dkim-key-weak', 'dkim-testing'])
  })

  it('says a selector may still exist when none of the common ones is found', async () => {
    const check = await checkDkimRecords(ADMIN.good, { resolver })
    expect(check.selectors).toEqual([])
    expect(ids(check.findings)).toEqual(['dkim-no-selector-found'])
    expect(check.findings[0]?.detail).toContain('may still exist')
  })

  it('calls a 512-bit key broken', async () => {
    const s = await one(ADMIN.weak512, 'default')
    expect(s.key?.bits).toBe(512)
    expect(ids(s.findings)).toContain('dkim-key-broken')
    expect(s.findings.find((f) => f.id === 'dkim-key-broken')?.severity).toBe('bad')
  })

  it('finds a 2048-bit key good, a 3072-bit one large in DNS, and an Ed25519 one', async () => {
    expect(ids((await one(ADMIN.good, 's2026a')).findings)).toEqual(['dkim-key-found'])
    const big = await one(ADMIN.good, 'big')
    expect(big.records).toHaveLength(1) // several strings in one record are one record
    expect(ids(big.findings)).toEqual(['dkim-key-found', 'dkim-key-large'])
    expect(ids((await one(ADMIN.good, 'ed')).findings)).toEqual(['dkim-key-found', 'dkim-key-ed25519'])
  })

  it('flags a key split over two TXT records', async () => {
    const s = await one(ADMIN.split, 'default')
    expect(s.records).toHaveLength(2)
    expect(ids(s.findings)).toEqual(['dkim-record-multiple'])
    expect(ids((await one(ADMIN.odd, 'two')).findings)).toEqual(['dkim-record-multiple'])
  })

  it('reports a revoked key (empty p=)', async () => {
    const s = await one(ADMIN.revoked, 'default')
    expect(s.status).toBe('revoked')
    expect(ids(s.findings)).toEqual(['dkim-revoked'])
  })

  it('tells a record that is not DKIM, a malformed one and a key that does not parse apart', async () => {
    expect(ids((await one(ADMIN.odd, 'notdkim')).findings)).toEqual(['dkim-record-not-dkim'])
    const v2 = await one(ADMIN.odd, 'v2')
    expect(ids(v2.findings)).toEqual(['dkim-record-malformed'])
    expect(v2.findings[0]?.detail).toContain('DKIM2')
    expect(ids((await one(ADMIN.odd, 'garbage')).findings)).toEqual(['dkim-key-invalid'])
    const other = await one(ADMIN.odd, 'other')
    expect(ids(other.findings)).toEqual(['dkim-record-malformed'])
    expect(other.findings[0]?.detail).toContain('s=tlsrpt')
    const dsa = await one(ADMIN.odd, 'dsa')
    expect(ids(dsa.findings)).toEqual(['dkim-record-malformed'])
    expect(dsa.findings[0]?.detail).toContain('k=dsa')
  })

  it('flags h=sha1 and explains t=s', async () => {
    expect(ids((await one(ADMIN.odd, 'sha1')).findings)).toEqual(['dkim-key-found', 'dkim-hash-sha1-only'])
    expect(ids((await one(ADMIN.odd, 'strict')).findings)).toEqual(['dkim-key-found', 'dkim-strict-identity'])
  })

  it('says a named selector without a record is a problem', async () => {
    const s = await one(ADMIN.good, 'nope')
    expect(s.status).toBe('absent')
    expect(ids(s.findings)).toEqual(['dkim-selector-missing'])
  })

  it('matches the published key against the private key', async () => {
    const own = await readPrivateKey(adminKeyFile(lab.stateDir, 'good2048'))
    const other = await readPrivateKey(adminKeyFile(lab.stateDir, 'weak512'))
    const match = await checkDkimRecords(ADMIN.good, { resolver, selectors: ['s2026a'], privateKey: own })
    expect(match.selectors[0]?.key?.matchesPrivateKey).toBe(true)
    expect(ids(match.findings)).toContain('dkim-private-key-match')
    const mismatch = await checkDkimRecords(ADMIN.good, {
      resolver,
      selectors: ['s2026a'],
      privateKey: other,
    })
    expect(mismatch.selectors[0]?.key?.matchesPrivateKey).toBe(false)
    expect(ids(mismatch.findings)).toContain('dkim-private-key-mismatch')
    const ed = await readPrivateKey(adminKeyFile(lab.stateDir, 'ed25519'))
    const edMatch = await checkDkimRecords(ADMIN.good, { resolver, selectors: ['ed'], privateKey: ed })
    expect(edMatch.selectors[0]?.key?.matchesPrivateKey).toBe(true)
  })

  it('reports a DNS failure as such, not as a missing key', async () => {
    // Nothing listens on this loopback address: every lookup times out.
    const { createResolver } = await import('../../dns/resolver.js')
    const dead = createResolver({ server: '127.0.10.254:53', timeoutMs: 600 })
    const check = await checkDkimRecords(ADMIN.good, { resolver: dead, selectors: ['s2026a'] })
    expect(check.selectors[0]?.status).toBe('failed')
    expect(ids(check.findings)).toEqual(['check-dns-failed'])
  })
})
