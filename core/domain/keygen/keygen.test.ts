import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DKIM_KEYGEN_ADVICE } from '../../../shared/knowledge/dkim-keygen-advice.js'
import { datedSelector, isDatedSelector, keygenAdvice } from './advice.js'
import { describeKeys, edFileOf, planKeygen } from './keygen.js'
import { type DkimKey, makeDkimKey } from './make-key.js'
import { domainProblem, recordName, selectorProblem, splitTxtStrings, zoneFileRecord } from './record.js'
import { signerSnippets } from './snippets.js'

const NOW = new Date('2026-12-07T12:00:00Z')

describe('the record', () => {
  it('splits a value into strings of at most 255 bytes that join back to it', () => {
    const value = `v=DKIM1; k=rsa; p=${'A'.repeat(600)}`
    const parts = splitTxtStrings(value)
    expect(parts.map((p) => p.length)).toEqual([255, 255, value.length - 510])
    expect(parts.join('')).toBe(value)
    expect(splitTxtStrings('x'.repeat(255))).toHaveLength(1)
    expect(splitTxtStrings('x'.repeat(256))).toHaveLength(2)
  })

  it('refuses a value that is not printable ASCII (bytes and characters would differ)', () => {
    expect(() => splitTxtStrings('v=DKIM1; p=é')).toThrow(/ASCII/)
  })

  it('writes one zone-file record whose strings are quoted, each on its own line', () => {
    const value = `v=DKIM1; k=rsa; p=${'B'.repeat(300)}`
    const zone = zoneFileRecord('s1._domainkey.example.org', value)
    expect(zone.split('\n')[0]).toBe('s1._domainkey.example.org. 3600 IN TXT (')
    const strings = [...zone.matchAll(/"([^"]*)"/g)].map((m) => m[1])
    expect(strings).toEqual(splitTxtStrings(value))
    expect(zone.trimEnd().endsWith(')')).toBe(true)
    expect(zoneFileRecord('a._domainkey.b.c', 'v=DKIM1; k=ed25519; p=x')).toBe(
      'a._domainkey.b.c. 3600 IN TXT "v=DKIM1; k=ed25519; p=x"',
    )
  })

  it('names the record S._domainkey.D, lowercased, without the trailing dot', () => {
    expect(recordName('S2026', 'Example.ORG.')).toBe('s2026._domainkey.example.org')
  })

  it('says why a domain or selector is unusable', () => {
    expect(domainProblem('example.org')).toBeNull()
    expect(domainProblem('localhost')).toMatch(/two labels/)
    expect(domainProblem('exa mple.org')).toMatch(/letters, digits/)
    expect(domainProblem('-a.org')).toMatch(/letters, digits/)
    expect(selectorProblem('s20261207')).toBeNull()
    expect(selectorProblem('eu.s1')).toBeNull()
    expect(selectorProblem('s_1')).toMatch(/letters, digits/)
    expect(selectorProblem('')).toMatch(/1 to 63/)
  })
})

describe('the keys', () => {
  it('makes an RSA key with a PKCS#8 PEM and a DER SPKI p= value', async () => {
    const key = await makeDkimKey({ type: 'rsa-2048' })
    expect(key.privatePem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true)
    expect(key.publicRecord).toBe(`v=DKIM1; k=rsa; p=${key.p}`)
    // 2048-bit SPKI DER is 294 bytes.
    expect(Buffer.from(key.p, 'base64')).toHaveLength(294)
    expect(key.signatureAlgorithm).toBe('rsa-sha256')
  })

  it('makes an ed25519 key whose p= is the raw 32-byte public key (RFC 8463)', async () => {
    const key = await makeDkimKey({ type: 'ed25519' })
    expect(key.privatePem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true)
    expect(key.publicRecord).toBe(`v=DKIM1; k=ed25519; p=${key.p}`)
    expect(Buffer.from(key.p, 'base64')).toHaveLength(32)
  })

  it('makes a 3072-bit key when asked', async () => {
    const key = await makeDkimKey({ type: 'rsa-3072' })
    expect(Buffer.from(key.p, 'base64')).toHaveLength(422)
    expect(splitTxtStrings(key.publicRecord)).toHaveLength(3)
  })
})

describe('the plan', () => {
  it('puts one key at ./S._domainkey.D.private by default', () => {
    const [key, ...more] = planKeygen({ domain: 'Example.org', selector: 's1', type: 'rsa-2048', cwd: '/x' })
    expect(more).toEqual([])
    expect(key).toEqual({ type: 'rsa-2048', selector: 's1', file: '/x/s1._domainkey.example.org.private' })
  })

  it('gives the ed25519 key of a pair its own selector (S-ed) and file (FILE-ed25519)', () => {
    const plan = planKeygen({
      domain: 'example.org',
      selector: 's1',
      type: 'rsa-2048+ed25519',
      out: 'k/dkim.key',
      cwd: '/x',
    })
    expect(plan).toEqual([
      { type: 'rsa-2048', selector: 's1', file: '/x/k/dkim.key' },
      { type: 'ed25519', selector: 's1-ed', file: '/x/k/dkim-ed25519.key' },
    ])
    expect(edFileOf('/k/dkim')).toBe('/k/dkim-ed25519')
    expect(edFileOf('/k/.hidden')).toBe('/k/.hidden-ed25519')
    const defaults = planKeygen({
      domain: 'example.org',
      selector: 's1',
      type: 'rsa-2048+ed25519',
      cwd: '/x',
    })
    expect(defaults.map((k) => path.basename(k.file))).toEqual([
      's1._domainkey.example.org.private',
      's1-ed._domainkey.example.org.private',
    ])
  })
})

describe('the signer snippets', () => {
  const rsa = { selector: 's1', algorithm: 'rsa' as const, file: '/etc/dkim/rsa.key' }
  const ed = { selector: 's1-ed', algorithm: 'ed25519' as const, file: '/etc/dkim/ed.key' }

  it("gives Exim's transport lines with relaxed canonicalization", () => {
    const { exim } = signerSnippets('example.org', [rsa])
    expect(exim).toContain(
      '  dkim_domain = example.org\n  dkim_selector = s1\n  dkim_private_key = /etc/dkim/rsa.key\n  dkim_canon = relaxed',
    )
  })

  it('gives Exim a selector list and a key chosen per selector for two keys', () => {
    const { exim } = signerSnippets('example.org', [rsa, ed])
    expect(exim).toContain('dkim_selector = s1 : s1-ed')
    expect(exim).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Exim's expansion syntax, not ours
      'dkim_private_key = ${if eq{$dkim_selector}{s1}{/etc/dkim/rsa.key}{/etc/dkim/ed.key}}',
    )
  })

  it('gives OpenDKIM one KeyTable and SigningTable row per key, and Postfix its milter', () => {
    const { opendkim, postfix } = signerSnippets('example.org', [rsa, ed])
    expect(opendkim).toContain('s1._domainkey.example.org  example.org:s1:/etc/dkim/rsa.key')
    expect(opendkim).toContain('s1-ed._domainkey.example.org  example.org:s1-ed:/etc/dkim/ed.key')
    expect(opendkim).toContain('*@example.org  s1-ed._domainkey.example.org')
    expect(opendkim).toContain('MultipleSignatures yes')
    expect(signerSnippets('example.org', [rsa]).opendkim).not.toContain('MultipleSignatures')
    expect(postfix).toContain('smtpd_milters = inet:localhost:8891')
    expect(postfix).toContain('non_smtpd_milters = $smtpd_milters')
  })

  it('gives rspamd the PEM for RSA and the seed file for ed25519', () => {
    const { rspamd } = signerSnippets('example.org', [rsa, ed])
    expect(rspamd).toContain('{ path = "/etc/dkim/rsa.key"; selector = "s1"; }')
    expect(rspamd).toContain('{ path = "/etc/dkim/ed.key.seed"; selector = "s1-ed"; }')
    expect(rspamd).not.toContain('use_esld')
  })

  it("turns off rspamd's registered-domain lookup only for a subdomain (else it would not sign)", () => {
    const { rspamd } = signerSnippets('mail.example.org', [rsa])
    expect(rspamd).toContain('use_esld = false;')
    expect(rspamd).toContain('  mail.example.org {')
    expect(signerSnippets('example.co.uk', [rsa]).rspamd).not.toContain('use_esld')
  })
})

describe('the advice', () => {
  const base = { files: ['/k/a'], names: { rsa: 's._domainkey.d.org' }, now: NOW }
  const ids = (a: { id: string }[]) => a.map((x) => x.id)

  it('says RSA 2048 is the default, and the rotation and t=y advice every time', () => {
    const advice = keygenAdvice({ ...base, type: 'rsa-2048', selector: 's20261207' })
    expect(ids(advice)).toEqual([
      'keygen-rsa-2048',
      'keygen-keep-old-record',
      'keygen-no-test-flag',
      'keygen-key-permissions',
    ])
  })

  it('warns about ed25519 alone, and about its file format for dkimpy and rspamd', () => {
    const advice = keygenAdvice({
      ...base,
      type: 'ed25519',
      selector: 's2026',
      edFile: '/k/e',
      names: { ed: 'x' },
    })
    expect(ids(advice)).toContain('keygen-ed25519-alone')
    const format = advice.find((a) => a.id === 'keygen-ed25519-format')
    expect(format?.fix).toContain('openssl pkey -in /k/e -outform DER | tail -c 32 | base64 > /k/e.seed')
  })

  it('suggests a dated selector when the given one has no date', () => {
    expect(isDatedSelector('s20261207')).toBe(true)
    expect(isDatedSelector('dkim2026-12')).toBe(true)
    expect(isDatedSelector('mail')).toBe(false)
    expect(isDatedSelector('google')).toBe(false)
    expect(datedSelector(NOW)).toBe('s20261207')
    const advice = keygenAdvice({ ...base, type: 'rsa-2048', selector: 'mail' })
    const dated = advice.find((a) => a.id === 'keygen-selector-not-dated')
    expect(dated?.detail).toContain('"mail"')
    expect(dated?.fix).toContain('"s20261207"')
  })

  it('leaves no {mark} unfilled, and every id is in the table', async () => {
    const keys: DkimKey[] = [await makeDkimKey({ type: 'rsa-2048' }), await makeDkimKey({ type: 'ed25519' })]
    const plan = planKeygen({ domain: 'example.org', selector: 'mail', type: 'rsa-2048+ed25519', cwd: '/x' })
    const result = describeKeys(
      { domain: 'example.org', selector: 'mail', type: 'rsa-2048+ed25519' },
      plan,
      keys,
      NOW,
    )
    for (const a of result.advice) {
      expect(Object.keys(DKIM_KEYGEN_ADVICE)).toContain(a.id)
      expect(`${a.title} ${a.detail} ${a.fix}`).not.toMatch(/\{\w+\}/)
    }
    expect(JSON.stringify(result)).not.toContain('PRIVATE KEY')
  })
})
