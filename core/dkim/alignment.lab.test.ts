// Relaxed alignment against the lab DNS: with keys from DNS, the Organizational Domain comes from
// the RFC 9989 tree walk (the one core/dmarc implementation the domain check uses); with a key
// file, from the public suffix list. The lab's DMARC test domains (e2e/lab/admin-domains.ts) say
// psd=n or psd=y, where the two methods disagree: under lab.test the list sees one organisation
// (lab.test), the walk sees good.lab.test, dmarc-org.lab.test, and one per name under dmarc-psd.
import fs from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { dkimSign } from 'mailauth/lib/dkim/sign'
import { beforeAll, describe, expect, it } from 'vitest'
import { ADMIN } from '../../e2e/lab/admin-domains.js'
import { adminKeyFile } from '../../e2e/lab/admin-keys.js'
import { getLab, type Lab } from '../../e2e/lab/lab.js'
import type { DkimReport } from '../../shared/contract/index.js'
import { createResolver, type Resolver } from '../dns/resolver.js'
import { createEngine } from '../engine.js'
import { verifyItems } from './archive/pool.js'
import { expandPaths } from './archive/sources.js'
import { cachedKeySource, dnsKeySource, type KeySource, keyFileSource, verifyMessage } from './index.js'

let lab: Lab
let privateKey: string
let goodKeyRecord: string

beforeAll(async () => {
  lab = getLab()
  privateKey = fs.readFileSync(adminKeyFile(lab.stateDir, 'good2048'), 'utf8')
  const resolver = createResolver({ server: lab.dns.server, timeoutMs: 3_000 })
  goodKeyRecord = (await resolver.txt(`s2026a._domainkey.${ADMIN.good}`))[0] as string
})

/** A resolver that counts the _dmarc questions asked of the lab DNS. */
function countingResolver(): { resolver: Resolver; dmarcQueries: string[] } {
  const inner = createResolver({ server: lab.dns.server, timeoutMs: 3_000 })
  const dmarcQueries: string[] = []
  const resolver: Resolver = {
    ...inner,
    description: inner.description,
    txt(name) {
      if (name.startsWith('_dmarc.')) dmarcQueries.push(name)
      return inner.txt(name)
    },
  }
  return { resolver, dmarcQueries }
}

/** A message from `from`, signed by d=`domain` with the good2048 key (selector s2026a). */
async function signed(from: string, domain = ADMIN.good): Promise<Buffer> {
  const text = [
    `From: Someone <someone@${from}>`,
    'To: you@lab.test',
    'Subject: alignment',
    'Date: Mon, 07 Dec 2026 10:00:00 +0000',
    'Message-ID: <alignment@lab.test>',
    '',
    'Hello.',
    '',
  ].join('\r\n')
  const one = { signingDomain: domain, selector: 's2026a', privateKey, algorithm: 'rsa-sha256' }
  const result = await dkimSign(Buffer.from(text, 'latin1'), { ...one, signatureData: [one] })
  if (!result.signatures) throw new Error(`mailauth did not sign: ${JSON.stringify(result.errors)}`)
  return Buffer.concat([Buffer.from(result.signatures, 'latin1'), Buffer.from(text, 'latin1')])
}

function keyFile(domain = ADMIN.good): KeySource {
  return keyFileSource(`s2026a._domainkey.${domain} ${goodKeyRecord}\n`)
}

describe('DKIM alignment with From: the RFC 9989 tree walk through DNS', () => {
  it('aligns a subdomain From with its organizational domain found by the walk (psd=n)', async () => {
    const { resolver, dmarcQueries } = countingResolver()
    const keys = cachedKeySource(dnsKeySource(resolver))
    const report = await verifyMessage(await signed(`mail.${ADMIN.good}`), { keys })
    expect(report.signatures[0]).toMatchObject({ result: 'pass', alignment: 'relaxed', countsForDmarc: true })
    expect(report).toMatchObject({ alignedPass: true, alignmentBasis: 'dns-tree-walk' })
    expect(report.findings.map((f) => f.id)).toContain('aligned-relaxed')
    // From's walk: its own name, then good.lab.test (psd=n stops it); d=good.lab.test's: one query.
    expect(dmarcQueries.sort()).toEqual([
      `_dmarc.${ADMIN.good}`,
      `_dmarc.${ADMIN.good}`,
      `_dmarc.mail.${ADMIN.good}`,
    ])
  })

  it('uses the walk where it and the public suffix list disagree (psd=n: two organizations)', async () => {
    // From mail.dmarc-org.lab.test (org dmarc-org.lab.test by the walk), d=good.lab.test (psd=n).
    const message = await signed(ADMIN.dmarcSub)
    const byDns = await verifyMessage(message, {
      keys: cachedKeySource(dnsKeySource(countingResolver().resolver)),
    })
    expect(byDns.signatures[0]).toMatchObject({ result: 'pass', alignment: 'none', aligned: false })
    expect(byDns).toMatchObject({ alignedPass: false, alignmentBasis: 'dns-tree-walk' })
    expect(byDns.findings.map((f) => f.id)).toContain('not-aligned')
    // No DNS may be asked with a key file: the list sees one organization, lab.test.
    const byList = await verifyMessage(message, { keys: keyFile() })
    expect(byList.signatures[0]).toMatchObject({ result: 'pass', alignment: 'relaxed' })
    expect(byList).toMatchObject({ alignedPass: true, alignmentBasis: 'public-suffix-list' })
  })

  it('uses the walk under a psd=y record: each name one label below it is its own organization', async () => {
    const signer = `b.${ADMIN.dmarcPsd}`
    const message = await signed(`a.${ADMIN.dmarcPsd}`, signer)
    const byList = await verifyMessage(message, { keys: keyFile(signer) })
    expect(byList.signatures[0]).toMatchObject({ result: 'pass', alignment: 'relaxed' })
    // Through DNS the key is not published (the signature cannot pass), but alignment is judged
    // all the same, and by the walk: a.dmarc-psd.lab.test and b.dmarc-psd.lab.test differ.
    const byDns = await verifyMessage(message, {
      keys: cachedKeySource(dnsKeySource(countingResolver().resolver)),
    })
    expect(byDns.signatures[0]).toMatchObject({ alignment: 'none' })
    expect(byDns.alignmentBasis).toBe('dns-tree-walk')
  })

  it('walks each domain once per run, however many messages name it', async () => {
    const { resolver, dmarcQueries } = countingResolver()
    const keys = cachedKeySource(dnsKeySource(resolver))
    const message = await signed(`mail.${ADMIN.good}`)
    for (let i = 0; i < 5; i++) {
      const report = await verifyMessage(message, { keys })
      expect(report.signatures[0]?.alignment).toBe('relaxed')
    }
    // The first message's two walks (3 queries, as above); none for the four after it.
    expect(dmarcQueries).toHaveLength(3)
  })

  it('falls back to the list, and says so, when the walk meets a DNS failure', async () => {
    // A resolver on a lab address where no DNS server listens: the key lookup and the walk fail.
    const dead = createResolver({ server: '127.0.10.254:53', timeoutMs: 300 })
    const keys: KeySource = {
      ...keyFile(),
      organizationalDomain: dnsKeySource(dead).organizationalDomain,
    }
    const report = await verifyMessage(await signed(`mail.${ADMIN.good}`), { keys })
    expect(report).toMatchObject({ alignedPass: true, alignmentBasis: 'public-suffix-list' })
    expect(report.findings.find((f) => f.id === 'alignment-walk-failed')?.detail).toMatch(/_dmarc\./)
  })

  it('walks in the main thread for the archive pool: each domain once however many workers ask', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mw-align-'))
    try {
      for (let i = 0; i < 8; i++)
        await writeFile(
          path.join(dir, `m${i}.eml`),
          await signed(i % 2 ? ADMIN.dmarcSub : `mail.${ADMIN.good}`),
        )
      const { resolver, dmarcQueries } = countingResolver()
      const alignments: string[] = []
      for await (const r of verifyItems(expandPaths([dir]), { keys: dnsKeySource(resolver), workers: 2 })) {
        expect(r.error).toBeNull()
        expect(r.report?.alignmentBasis).toBe('dns-tree-walk')
        alignments.push(`${path.basename(r.label)} ${r.report?.signatures[0]?.alignment}`)
      }
      expect(alignments.sort()).toEqual(
        Array.from({ length: 8 }, (_, i) => `m${i}.eml ${i % 2 ? 'none' : 'relaxed'}`),
      )
      // mail.good (2 queries), good (1), mail.dmarc-org (2): once each, whatever the threads.
      expect(new Set(dmarcQueries).size).toBe(dmarcQueries.length - 1)
      expect(dmarcQueries).toHaveLength(5)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('walks for the UI too: dkim.verify through the engine with the lab DNS server', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mw-align-engine-'))
    const engine = createEngine({ configDir: dir, shell: 'cli' })
    try {
      const message = {
        kind: 'base64' as const,
        name: 'm.eml',
        data: (await signed(ADMIN.dmarcSub)).toString('base64'),
      }
      const reply = await engine.call('dkim.verify', { message, dnsServer: lab.dns.server })
      expect(reply.ok).toBe(true)
      const report = (reply as { value: DkimReport }).value
      expect(report).toMatchObject({ alignedPass: false, alignmentBasis: 'dns-tree-walk' })
      expect(report.signatures[0]).toMatchObject({ result: 'pass', alignment: 'none' })
    } finally {
      await engine.dispose()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
