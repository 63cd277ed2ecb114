// Every message of e2e/corpus/dkim-real verifies as its README documents, with the keys of its
// keys.txt: as of 2020-01-01 for the RFC and dkimpy messages, as of the topmost Received time
// (October 2023) for the real 2023 mail, and Fastmail's x= expiry when judged today.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { type KeySource, keyFileSource, verifyMessage } from './index.js'

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../e2e/corpus/dkim-real')
const keys: KeySource = keyFileSource(readFileSync(path.join(dir, 'keys.txt'), 'utf8'))
/** The same keys, answering "no key" as DNS does (a source that is not a key file). */
const dnsLike: KeySource = {
  description: 'DNS server 192.0.2.53:53',
  lookup: async (name) => {
    const found = await keys.lookup(name)
    return found.kind === 'none' ? { kind: 'none' } : found
  },
}
const read = (name: string) => readFileSync(path.join(dir, name))
const AS_OF_2020 = new Date('2020-01-01T00:00:00Z')

describe('the real DKIM corpus', () => {
  for (const name of [
    'rfc6376-a2.eml',
    'rfc8463-a3.eml',
    'rfc8463-dkimpy-dual.eml',
    'rfc8463-dkimpy-rsa.eml',
    'real-gmail-2013.eml',
  ])
    it(`verifies ${name} as of 2020-01-01: every signature passes`, async () => {
      const report = await verifyMessage(read(name), { keys, at: AS_OF_2020 })
      expect(report.verdict).toBe('pass')
      expect(report.signatures.length).toBeGreaterThan(0)
      for (const s of report.signatures)
        expect([s.domain, s.result, s.reason]).toEqual([s.domain, 'pass', null])
      expect(report.verifiedAtSource).toBe('given')
    })

  it('verifies both RFC 8463 signatures, ed25519 and rsa', async () => {
    const report = await verifyMessage(read('rfc8463-a3.eml'), { keys, at: AS_OF_2020 })
    expect(report.signatures.map((s) => [s.algorithm, s.selector, s.result])).toEqual([
      ['ed25519-sha256', 'brisbane', 'pass'],
      ['rsa-sha256', 'test', 'pass'],
    ])
    expect(report.alignedPass).toBe(true)
    expect(report.dmarcSignature).toBe(0)
  })

  it('says the RFC 6376 key is a weak 1024-bit key and that the files use bare LF', async () => {
    const report = await verifyMessage(read('rfc6376-a2.eml'), { keys, at: AS_OF_2020 })
    expect(report.signatures[0]?.keyBits).toBe(1024)
    expect(report.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['key-weak', 'line-endings-lf']))
    expect(report.lineEndings).toBe('lf')
  })

  for (const [name, passing, missing] of [
    ['real-amazon.eml', 'amazon.com', 'amazonses.com'],
    ['real-fastmail.eml', 'fastmail.com', 'messagingengine.com'],
  ] as const)
    it(`verifies ${name} as of its Received time: ${passing} passes aligned, ${missing} has no key`, async () => {
      const report = await verifyMessage(read(name), { keys })
      expect(report.verifiedAtSource).toBe('received')
      expect(report.verifiedAt.slice(0, 7)).toBe('2023-10')
      const byDomain = Object.fromEntries(report.signatures.map((s) => [s.domain, s]))
      expect(byDomain[passing]).toMatchObject({ result: 'pass', aligned: true, countsForDmarc: true })
      expect(byDomain[missing]).toMatchObject({ result: 'permerror', countsForDmarc: false })
      expect(byDomain[missing]?.reason).toMatch(/No key/)
      expect(report.alignedPass).toBe(true)
      expect(report.verdict).toBe('pass')
      // Only the key file was asked: the finding names it, and says nothing of DNS or rotation.
      expect(report.findings.map((f) => f.id)).toContain('key-not-in-key-file')
      expect(report.findings.map((f) => f.id)).not.toContain('key-missing-old-mail')
      expect(byDomain[missing]?.reason).toMatch(/the key records you gave have none/)
      // From DNS, the same old message's missing key is explained as a rotation, not a forgery.
      const fromDns = await verifyMessage(read(name), { keys: dnsLike })
      expect(fromDns.findings.map((f) => f.id)).toContain('key-missing-old-mail')
      expect(fromDns.findings.map((f) => f.id)).not.toContain('key-not-in-key-file')
    })

  it('warns about the 1024-bit amazon.com key', async () => {
    const report = await verifyMessage(read('real-amazon.eml'), { keys })
    const amazon = report.signatures.find((s) => s.domain === 'amazon.com')
    expect(amazon?.keyBits).toBe(1024)
    expect(report.findings.find((f) => f.id === 'key-weak')?.signature).toBe(amazon?.index)
  })

  it('verifies the CNN newsletter (simple/simple) as of its Received time', async () => {
    const report = await verifyMessage(read('real-cnn.eml'), { keys })
    expect(report.signatures.map((s) => [s.domain, s.canonicalization, s.result])).toEqual([
      ['newsletters.cnn.com', 'simple/simple', 'pass'],
    ])
  })

  it('says the Fastmail signature expired when judged today, and that the cryptography holds', async () => {
    const report = await verifyMessage(read('real-fastmail.eml'), { keys, at: new Date() })
    const fastmail = report.signatures.find((s) => s.domain === 'fastmail.com')
    expect(fastmail?.result).toBe('policy')
    expect(fastmail?.reason).toMatch(/verifies, but it expired on 2023-10-24/)
    expect(fastmail?.expiresAt).toBe(new Date(1698181527 * 1000).toISOString())
    expect(fastmail?.steps.find((s) => s.name === 'verify')).toMatchObject({ status: 'warn' })
    expect(report.findings.map((f) => f.id)).toContain('signature-expired')
    expect(report.alignedPass).toBe(false)
  })

  it('shows the receiving server’s own results and where they differ', async () => {
    const report = await verifyMessage(read('real-fastmail.eml'), { keys })
    const entries = report.receivedResults.filter((r) => r.domain === 'fastmail.com')
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.every((r) => r.result === 'pass' && r.ours === 'pass' && !r.disagrees)).toBe(true)
    // messagingengine.com passed on arrival, but its key is not in keys.txt: a disagreement, said so.
    expect(report.receivedResults.some((r) => r.domain === 'messagingengine.com' && r.disagrees)).toBe(true)
    expect(report.findings.map((f) => f.id)).toContain('auth-results-disagree')
  })
})
