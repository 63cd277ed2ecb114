// verifyMessage on messages signed by an independent signer (dkimpy) with keys generated here,
// and on tampered copies: each failure must come with the right explanation and findings.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createResolver } from '../dns/resolver.js'
import {
  cachedKeySource,
  DkimInputError,
  type DkimReport,
  dnsKeySource,
  KEY_STORE_FILE,
  type KeyLookup,
  type KeySource,
  keyFileSource,
  keyStore,
  verifyMessage,
} from './index.js'
import { MAX_HEADER_BYTES, MAX_SIGNATURES_VERIFIED } from './limits.js'
import { startHeldDns } from './test-support/held-dns.js'
import {
  ed25519Key,
  keyRecord,
  message,
  rsaKey,
  type SignJob,
  signWithDkimpy,
  type TestKey,
} from './test-support/sign.js'

const D = 'example.org'
let rsa: TestKey
let rsa1024: TestKey
let ed: TestKey
let signed: Record<string, Buffer>
let keys: KeySource

const listBody = 'Hello list,\r\n\r\nThe agenda is attached.\r\n'
const footer =
  '\r\n_______________________________________________\r\nusers mailing list\r\nTo unsubscribe, visit https://lists.example.org/users\r\n'
const H = ['from', 'to', 'subject', 'date']

beforeAll(() => {
  rsa = rsaKey(2048)
  rsa1024 = rsaKey(1024)
  ed = ed25519Key()
  const jobs: Record<string, SignJob> = {
    relaxed: { message: message(), key: rsa, domain: D, selector: 'rsa' },
    simple: { message: message(), key: rsa, domain: D, selector: 'rsa', hcanon: 'simple', bcanon: 'simple' },
    ed25519: { message: message(), key: ed, domain: D, selector: 'ed' },
    sha1: { message: message(), key: rsa, domain: D, selector: 'rsa', algorithm: 'rsa-sha1' },
    weak: { message: message(), key: rsa1024, domain: D, selector: 'weak' },
    list: { message: message({ body: listBody }), key: rsa, domain: D, selector: 'rsa' },
    plainHeaders: { message: message(), key: rsa, domain: D, selector: 'rsa', headers: H },
    length: { message: message(), key: rsa, domain: D, selector: 'rsa', headers: H, length: true },
    other: { message: message({ from: 'Bob <bob@other.example>' }), key: rsa, domain: D, selector: 'rsa' },
    subdomain: {
      message: message({ from: 'Bob <bob@news.example.org>' }),
      key: rsa,
      domain: D,
      selector: 'rsa',
    },
    revoked: { message: message(), key: rsa, domain: D, selector: 'revoked' },
    missing: { message: message(), key: rsa, domain: D, selector: 'gone' },
    testing: { message: message(), key: rsa, domain: D, selector: 'testing' },
    sha1only: { message: message(), key: rsa, domain: D, selector: 'sha1only' },
    strict: { message: message(), key: rsa, domain: D, selector: 'strict', identity: 'bob@news.example.org' },
  }
  const names = Object.keys(jobs)
  const out = signWithDkimpy(names.map((n) => jobs[n] as SignJob))
  signed = Object.fromEntries(names.map((n, i) => [n, out[i] as Buffer]))
  keys = keyFileSource(
    [
      `rsa._domainkey.${D} ${keyRecord(rsa)}`,
      `ed._domainkey.${D} ${keyRecord(ed)}`,
      `weak._domainkey.${D} ${keyRecord(rsa1024)}`,
      `revoked._domainkey.${D} v=DKIM1; k=rsa; p=`,
      `testing._domainkey.${D} ${keyRecord(rsa, 't=y; ')}`,
      `sha1only._domainkey.${D} ${keyRecord(rsa, 'h=sha1; ')}`,
      `strict._domainkey.${D} ${keyRecord(rsa, 't=s; ')}`,
    ].join('\n'),
  )
})

const text = (name: string) => (signed[name] as Buffer).toString('latin1')
const bytes = (s: string) => Buffer.from(s, 'latin1')
const ids = (report: DkimReport) => report.findings.map((f) => f.id)
const only = (report: DkimReport) => {
  expect(report.signatures).toHaveLength(1)
  return report.signatures[0] as DkimReport['signatures'][number]
}
const verify = (input: Buffer | string, at: Date | null = null) =>
  verifyMessage(typeof input === 'string' ? bytes(input) : input, { keys, at })

describe('messages signed by dkimpy', () => {
  for (const name of ['relaxed', 'simple', 'ed25519'])
    it(`passes ${name}, with every step ok and the From aligned`, async () => {
      const report = await verify(signed[name] as Buffer)
      const s = only(report)
      expect([s.result, s.reason, s.aligned, s.alignment, s.countsForDmarc]).toEqual([
        'pass',
        null,
        true,
        'strict',
        true,
      ])
      expect(s.steps.map((step) => step.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok'])
      expect(s.body.matches).toBe(true)
      expect(s.body.computedHash).toBe(s.body.claimedHash)
      expect(s.canonicalHeaders?.text).toMatch(/dkim-signature:|DKIM-Signature:/)
      expect(report).toMatchObject({
        verdict: 'pass',
        alignedPass: true,
        from: 'bob@example.org',
        dmarcSignature: 0,
      })
    })

  it('passes when the body streams in 1-byte chunks, exactly as when whole', async () => {
    const whole = await verify(signed.simple as Buffer)
    async function* trickle(buf: Buffer) {
      for (let i = 0; i < buf.length; i++) yield buf.subarray(i, i + 1)
    }
    const streamed = await verifyMessage(trickle(signed.simple as Buffer), { keys })
    expect(streamed.signatures).toEqual(whole.signatures)
  })

  it('passes the same message saved with bare LF line endings, and says so', async () => {
    const report = await verify(text('relaxed').replace(/\r\n/g, '\n'))
    expect(only(report).result).toBe('pass')
    expect(report.lineEndings).toBe('lf')
    expect(ids(report)).toContain('line-endings-lf')
  })

  it('does not accept rsa-sha1 even though the cryptography verifies (RFC 8301)', async () => {
    const report = await verify(signed.sha1 as Buffer)
    const s = only(report)
    expect(s.result).toBe('policy')
    expect(s.reason).toMatch(/rsa-sha1 is not acceptable/)
    expect(ids(report)).toContain('sha1-not-accepted')
    expect(report.alignedPass).toBe(false)
  })

  it('passes a 1024-bit key with a warning', async () => {
    const report = await verify(signed.weak as Buffer)
    expect([only(report).result, only(report).keyBits]).toEqual(['pass', 1024])
    expect(ids(report)).toContain('key-weak')
  })

  it('explains what the key record says: revoked, missing, testing, h=, t=s', async () => {
    const revoked = await verify(signed.revoked as Buffer)
    expect([only(revoked).result, only(revoked).reason]).toEqual([
      'permerror',
      expect.stringMatching(/revoked/),
    ])
    expect(ids(revoked)).toContain('key-revoked')
    const missing = await verify(signed.missing as Buffer)
    expect(only(missing).result).toBe('permerror')
    // The key file was the source: the finding names it (not DNS, not a rotation).
    expect(ids(missing)).toEqual(expect.arrayContaining(['key-not-in-key-file']))
    expect(ids(missing)).not.toContain('key-missing')
    const noDnsKey = await verifyMessage(signed.missing as Buffer, {
      keys: { description: 'DNS server 192.0.2.53:53', lookup: async () => ({ kind: 'none' }) },
    })
    expect(ids(noDnsKey)).toContain('key-missing')
    const testing = await verify(signed.testing as Buffer)
    expect([only(testing).result, only(testing).testing]).toEqual(['pass', true])
    expect(ids(testing)).toContain('key-testing')
    const sha1only = await verify(signed.sha1only as Buffer)
    expect(only(sha1only).reason).toMatch(/allows only h=sha1/)
    const strict = await verify(signed.strict as Buffer)
    expect(only(strict).reason).toMatch(/t=s/)
  })

  it('says when d= is not the From domain, and relaxed alignment for a subdomain', async () => {
    const other = await verify(signed.other as Buffer)
    expect([only(other).result, only(other).aligned, other.alignedPass]).toEqual(['pass', false, false])
    expect(ids(other)).toContain('not-aligned')
    const sub = await verify(signed.subdomain as Buffer)
    expect([only(sub).alignment, sub.alignedPass]).toEqual(['relaxed', true])
    expect(ids(sub)).toContain('aligned-relaxed')
  })
})

describe('tampered copies', () => {
  it('fails a changed body, says the headers still verify', async () => {
    const report = await verify(text('relaxed').replace('meeting is at 10:00', 'meeting is at 11:00'))
    const s = only(report)
    expect(s.result).toBe('fail')
    expect(s.reason).toMatch(/body hash does not match/)
    expect(s.body.matches).toBe(false)
    expect(s.body.computedHash).not.toBe(s.body.claimedHash)
    expect(s.steps.find((step) => step.name === 'hash-body')?.status).toBe('failed')
    expect(s.steps.find((step) => step.name === 'verify')?.sentence).toMatch(/headers are as signed/)
    expect(ids(report)).toContain('body-hash-mismatch')
  })

  it('finds a mailing list footer appended to the body', async () => {
    const report = await verify(text('list') + footer.slice(2))
    const s = only(report)
    expect(s.result).toBe('fail')
    expect(s.reason).toMatch(/signed body is intact; \d+ bytes were added after it.*mailing list/)
    expect(report.findings.find((f) => f.id === 'body-hash-mismatch')?.detail).toMatch(
      /users mailing list|_____/,
    )
  })

  it('fails a changed Subject and shows the signed headers', async () => {
    const report = await verify(text('relaxed').replace('Subject: Meeting', 'Subject: Urgent payment'))
    const s = only(report)
    expect(s.result).toBe('fail')
    expect(s.body.matches).toBe(true)
    expect(s.reason).toMatch(/a signed header changed/)
    expect(s.canonicalHeaders?.text).toContain('subject:Urgent payment')
    expect(ids(report)).toContain('header-hash-mismatch')
  })

  it('fails re-folded headers under simple canonicalization and says why', async () => {
    const report = await verify(text('simple').replace('Subject: Meeting', 'Subject:\r\n Meeting'))
    expect(only(report).result).toBe('fail')
    expect(only(report).reason).toMatch(/simple header canonicalization/)
    // Relaxed canonicalization is meant to survive the same change.
    const relaxed = await verify(text('relaxed').replace('Subject: Meeting', 'Subject:\r\n  Meeting'))
    expect(only(relaxed).result).toBe('pass')
  })

  it('passes, and raises a bad finding, when a second From is added on top of an unoversigned one', async () => {
    const report = await verify(`From: CEO <ceo@example.org>\r\n${text('plainHeaders')}`)
    expect(only(report).result).toBe('pass')
    expect(ids(report)).toEqual(expect.arrayContaining(['from-multiple', 'unsigned-instance-above']))
    expect(report.findings[0]?.severity).toBe('bad')
  })

  it('fails when a Subject is added below the signed one, and names the added header', async () => {
    const t = text('plainHeaders')
    const at = t.indexOf('\r\n\r\n')
    const report = await verify(`${t.slice(0, at)}\r\nSubject: Added later${t.slice(at)}`)
    expect(only(report).result).toBe('fail')
    expect(only(report).reason).toMatch(/second Subject header was added below.*Added later/)
    expect(ids(report)).toContain('unsigned-instance-below')
  })

  it('aligns nothing when the signed From has a second From on top, even of the same domain (RFC 7489 6.6.1)', async () => {
    expect((await verify(text('plainHeaders'))).alignedPass).toBe(true)
    const report = await verify(`From: CEO <ceo@example.org>\r\n${text('plainHeaders')}`)
    expect(only(report).result).toBe('pass')
    expect(only(report).aligned).toBe(false)
    expect(report.alignedPass).toBe(false)
    expect(ids(report)).toContain('from-multiple')
    // Not "signed by another domain": the signer is the real From's domain.
    expect(ids(report)).not.toContain('not-aligned')
  })

  for (const [label, first, more] of [
    [
      '"From : x" (obsolete syntax: a From field some clients show)',
      'From : ceo@bank.example',
      ['from-multiple'],
    ],
    ['"From x" (no header field at all)', 'From ceo@bank.example', []],
    ['a real From_ line in a single message', 'From MAILER-DAEMON Fri Jul  8 12:08:34 2011', []],
  ] as const)
    it(`reports a first line ${label} as bad and counts no signature as aligned`, async () => {
      const report = await verify(`${first}\r\n${text('plainHeaders')}`)
      expect(only(report).result).toBe('pass')
      expect(report.alignedPass).toBe(false)
      expect(report.dmarcSignature).toBeNull()
      const found = report.findings.find((f) => f.id === 'first-line-not-header')
      expect(found?.severity).toBe('bad')
      expect(found?.detail).toContain(first.replace(/\s+/g, ' '))
      expect(ids(report)).toEqual(expect.arrayContaining([...more]))
      expect(ids(report)).not.toContain('not-aligned')
      // The same line is not reported twice.
      expect(ids(report)).not.toContain('header-malformed')
    })

  for (const [label, form] of [
    ['a space before the name', ' From: Evil <evil@attacker.example>'],
    ['a space before the colon', 'From : Evil <evil@attacker.example>'],
    ['a folded name', 'From\r\n : Evil <evil@attacker.example>'],
  ] as const)
    it(`raises from-disguised for ${label}`, async () => {
      const t = text('plainHeaders')
      const cut = t.indexOf('\r\n', t.indexOf('To:')) + 2
      const report = await verify(`${t.slice(0, cut)}${form}\r\n${t.slice(cut)}`)
      expect(ids(report)).toContain('from-disguised')
      expect(report.findings.find((f) => f.id === 'from-disguised')?.severity).toBe('bad')
    })

  it('flags content after l=, and a Content-Type that l= leaves unsigned', async () => {
    const t = text('length')
    const report = await verify(`${t}\r\nWire the money to account 123.\r\n`)
    const s = only(report)
    expect(s.result).toBe('pass')
    expect(s.body.signedBytes).toBeLessThan(s.body.totalBytes as number)
    expect(ids(report)).toEqual(
      expect.arrayContaining([
        'body-length-partial',
        'body-length-content-after',
        'body-length-content-type-unsigned',
      ]),
    )
  })

  it('flags deceptive From values: encoded address, display name, several mailboxes', async () => {
    const enc = await verify(message({ from: '=?utf-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==?= <x@attacker.example>' }))
    expect(ids(enc)).toContain('from-encoded-address')
    const name = await verify(message({ from: '"ceo@bank.example" <x@attacker.example>' }))
    expect(ids(name)).toContain('from-display-name-address')
    const several = await verify(message({ from: 'a@one.example, b@two.example' }))
    expect(ids(several)).toContain('from-several-addresses')
    expect(ids(several)).toContain('no-signature')
    expect(several.verdict).toBe('none')
  })
})

describe('bad input', () => {
  it('raises the header findings: a unique header twice, Resent-From, signed but not oversigned', async () => {
    const added = `Message-ID: <second@example.org>\r\nResent-From: Carol <carol@example.com>\r\n${text('plainHeaders')}`
    const report = await verify(added)
    expect(ids(report)).toEqual(
      expect.arrayContaining(['header-duplicate', 'resent', 'header-not-oversigned']),
    )
    const duplicate = report.findings.find((f) => f.id === 'header-duplicate')
    expect(duplicate?.detail).toContain('<second@example.org>')
    // A message signed with dkimpy's own list (which oversigns) raises none of them.
    expect(ids(await verify(signed.relaxed as Buffer))).not.toEqual(
      expect.arrayContaining(['header-duplicate', 'resent', 'header-not-oversigned']),
    )
  })

  it('points out a signature without x= once it is old, and not while it is new', async () => {
    // dkimpy writes no t= here: the age is judged from the topmost Received time, as for old mail.
    const received = `Received: from mx.example.org by mx.example.net; Tue, 01 Dec 2026 10:00:05 +0000\r\n${text('relaxed')}`
    const old = await verify(received, new Date('2027-02-01T00:00:00Z'))
    expect(only(old).result).toBe('pass')
    expect(ids(old)).toContain('signature-old-no-expiry')
    expect(ids(await verify(received, new Date('2026-12-02T00:00:00Z')))).not.toContain(
      'signature-old-no-expiry',
    )
  })

  it('refuses an empty message', async () => {
    await expect(verifyMessage(new Uint8Array(0), { keys })).rejects.toBeInstanceOf(DkimInputError)
  })

  it('refuses a header block over the bound, without reading the rest', async () => {
    const big = Buffer.alloc(MAX_HEADER_BYTES + 10, 'X-Junk: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n')
    await expect(verifyMessage(big, { keys })).rejects.toThrow(/header block is larger/)
  })

  it('refuses a message over maxBytes', async () => {
    await expect(verifyMessage(signed.relaxed as Buffer, { keys, maxBytes: 200 })).rejects.toThrow(
      /larger than 200 bytes/,
    )
  })

  it('reports binary junk and a message without a blank line, without throwing', async () => {
    const junk = await verifyMessage(Buffer.from([0, 1, 2, 255, 254, 10, 13, 0, 58, 7]), { keys })
    expect(junk.verdict).toBe('none')
    expect(ids(junk)).toContain('header-malformed')
    const headersOnly = await verifyMessage(bytes('From: a@b.example\r\nSubject: x'), { keys })
    expect(ids(headersOnly)).toContain('no-body-separator')
  })

  it('checks a bounded number of a message’s thousands of signatures, and says so', async () => {
    const sig = text('relaxed').slice(0, text('relaxed').indexOf('\r\nFrom:') + 2)
    const report = await verify(sig.repeat(2000) + text('relaxed').slice(sig.length))
    expect(report.signatures).toHaveLength(MAX_SIGNATURES_VERIFIED)
    expect(ids(report)).toContain('signatures-too-many')
    expect(report.verdict).toBe('pass')
  })

  it('turns a malformed signature into a permerror, never dropping it', async () => {
    const report = await verify(text('relaxed').replace('a=rsa-sha256', 'a=rsa-sha512'))
    expect(only(report)).toMatchObject({ result: 'permerror', domain: D, selector: 'rsa' })
    expect(ids(report)).toContain('signature-malformed')
  })
})

describe('key sources', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mw-dkim-store-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** A DNS stand-in whose answers the test changes (the rotation of a key). */
  function changeable(records: Map<string, string>): KeySource & { asked: string[] } {
    const asked: string[] = []
    return {
      description: 'test DNS',
      asked,
      async lookup(name): Promise<KeyLookup> {
        asked.push(name)
        const r = records.get(name)
        return r ? { kind: 'found', records: [r] } : { kind: 'none' }
      },
    }
  }

  it('remembers keys, verifies old mail after a rotation from memory, and points out a changed key', async () => {
    const dns = new Map([[`rsa._domainkey.${D}`, keyRecord(rsa)]])
    const first = await verifyMessage(signed.relaxed as Buffer, { keys: keyStore(dir, changeable(dns)) })
    expect(only(first).result).toBe('pass')
    const stored = JSON.parse(readFileSync(path.join(dir, KEY_STORE_FILE), 'utf8'))
    expect(Object.keys(stored.keys)).toEqual([`rsa._domainkey.${D}`])

    dns.clear()
    const later = await verifyMessage(signed.relaxed as Buffer, { keys: keyStore(dir, changeable(dns)) })
    expect(only(later).result).toBe('pass')
    expect(only(later).keySource).toMatch(/key store/)
    expect(ids(later)).toContain('key-from-store')

    const other = rsaKey(1024)
    dns.set(`rsa._domainkey.${D}`, keyRecord(other))
    const [resigned] = signWithDkimpy([{ message: message(), key: other, domain: D, selector: 'rsa' }])
    const changed = await verifyMessage(resigned as Buffer, { keys: keyStore(dir, changeable(dns)) })
    expect(only(changed).result).toBe('pass')
    expect(ids(changed)).toContain('key-changed')
  })

  it('fetches each name once, however many callers ask at the same time', async () => {
    const inner = changeable(new Map([[`rsa._domainkey.${D}`, keyRecord(rsa)]]))
    const cached = cachedKeySource(inner)
    await Promise.all([1, 2, 3].map(() => verifyMessage(signed.relaxed as Buffer, { keys: cached })))
    expect(inner.asked).toEqual([`rsa._domainkey.${D}`])
  })

  it('calls several key records at one name a permerror, and a DNS failure a temperror', async () => {
    const two: KeySource = {
      description: 'test DNS',
      lookup: async () => ({ kind: 'found', records: [keyRecord(rsa), keyRecord(ed)] }),
    }
    expect(only(await verifyMessage(signed.relaxed as Buffer, { keys: two }))).toMatchObject({
      result: 'permerror',
      reason: expect.stringMatching(/several key records/),
    })
    const down: KeySource = {
      description: 'test DNS',
      lookup: async () => ({ kind: 'temperror', reason: 'timed out' }),
    }
    const report = await verifyMessage(signed.relaxed as Buffer, { keys: down })
    expect(only(report).result).toBe('temperror')
    expect(ids(report)).toContain('key-unavailable')
  })
})

describe('explanations that name what happened', () => {
  it('says a DNS server refused (check the setting), not that trying later may help', async () => {
    const dns = await startHeldDns(
      '',
      () => false,
      (name) => name.endsWith(D),
    )
    try {
      const resolver = createResolver({ server: dns.server, timeoutMs: 3_000 })
      const report = await verifyMessage(signed.relaxed as Buffer, { keys: dnsKeySource(resolver) })
      const s = only(report)
      expect(s.result).toBe('temperror')
      expect(s.reason).toMatch(/refused to look it up\. Check the DNS server setting\.$/)
      expect(s.reason).not.toMatch(/later/)
      expect(ids(report)).toContain('key-dns-refused')
      expect(ids(report)).not.toContain('key-unavailable')
      expect(s.steps.find((step) => step.name === 'fetch-key')?.sentence).toMatch(
        new RegExp(`^The DNS server 127\\.0\\.0\\.1:\\d+ refused to look up rsa\\._domainkey\\.${D}`),
      )
    } finally {
      await dns.close()
    }
  })

  it('says "later" only for a timeout, and never puts a sentence inside parentheses', async () => {
    const failing = (dns: 'timeout' | 'server-failure'): KeySource => ({
      description: 'DNS server 192.0.2.53:53',
      lookup: async () => ({ kind: 'temperror', reason: `The DNS lookup failed (${dns}).`, dns }),
    })
    const timeout = only(await verifyMessage(signed.relaxed as Buffer, { keys: failing('timeout') }))
    expect(timeout.reason).toBe(
      'The key could not be fetched: The DNS lookup failed (timeout). Trying again later may succeed; if not, check the DNS server setting.',
    )
    const broken = only(await verifyMessage(signed.relaxed as Buffer, { keys: failing('server-failure') }))
    expect(broken.reason).toBe(
      'The key could not be fetched: The DNS lookup failed (server-failure). Check the DNS server setting.',
    )
  })

  it('says each thing wrong with one signature: no key, and an x= that has passed', async () => {
    const fastmail = readFileSync(
      path.join(import.meta.dirname, '../../e2e/corpus/dkim-real/real-fastmail.eml'),
    )
    const corpusKeys = keyFileSource(
      readFileSync(path.join(import.meta.dirname, '../../e2e/corpus/dkim-real/keys.txt'), 'utf8'),
    )
    const report = await verifyMessage(fastmail, { keys: corpusKeys, at: new Date('2026-01-01T00:00:00Z') })
    const me = report.signatures.find((s) => s.domain === 'messagingengine.com')
    expect(me?.result).toBe('permerror')
    expect(me?.reason).toMatch(/key records you gave have none .* Also, the signature expired on 2023-10-24/)
    const about = report.findings.filter((f) => f.signature === me?.index).map((f) => f.id)
    expect(about).toEqual(expect.arrayContaining(['key-not-in-key-file', 'signature-expired']))
  })
})

describe('cancellation', () => {
  it('ends at once when the signal aborts while a key source never answers', async () => {
    const never: KeySource = { description: 'silent DNS', lookup: () => new Promise<KeyLookup>(() => {}) }
    const controller = new AbortController()
    const verifying = verifyMessage(signed.relaxed as Buffer, { keys: never, signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    await expect(verifying).rejects.toThrow(/abort/i)
  })
})

describe('internationalized mail (RFC 8616)', () => {
  it('aligns a UTF-8 From domain with the A-label d= of its signature', async () => {
    const key = rsaKey(2048)
    const from = Buffer.from('Jörg <joerg@bücher.example>', 'utf8').toString('latin1')
    const [idn] = signWithDkimpy([
      {
        message: Buffer.from(message({ from }), 'latin1'),
        key,
        domain: 'xn--bcher-kva.example',
        selector: 'idn',
      },
    ])
    const report = await verifyMessage(idn as Buffer, {
      keys: keyFileSource(`idn._domainkey.xn--bcher-kva.example ${keyRecord(key)}`),
    })
    expect(report.from).toBe('joerg@bücher.example')
    expect(report.fromDomain).toBe('xn--bcher-kva.example')
    expect(report.signatures[0]).toMatchObject({ result: 'pass', alignment: 'strict' })
  })
})
