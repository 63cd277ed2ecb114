// Certificate facts against what OpenSSL itself says about the same certificates (made here with
// the openssl command line), and the RFC 6125 / RFC 7817 host-name rules.
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  altNames,
  checkHostname,
  dnsIdMatches,
  isSelfSigned,
  keyFacts,
  parsePemBundle,
  signatureAlgorithm,
  spkiSha256,
  summarize,
  verifyChain,
} from './certificate.js'

let dir: string
const certs: Record<string, X509Certificate> = {}
const pem: Record<string, string> = {}

function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mw-cert-'))
  // A CA, a leaf it issues (RSA 2048, SANs with a wildcard and an IP), an EC self-signed leaf,
  // a CN-only leaf and a 1024-bit one.
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/O=Test CA/CN=Test Root',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  )
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'leaf.key',
    '-out',
    'leaf.csr',
    '-subj',
    '/CN=mail.example.org',
  )
  writeFileSync(
    path.join(dir, 'leaf.ext'),
    'subjectAltName=DNS:mail.example.org,DNS:*.imap.example.org,IP:127.0.0.1,IP:::1\nbasicConstraints=CA:FALSE\n',
  )
  openssl(
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'leaf.pem',
    '-days',
    '10',
    '-sha256',
    '-extfile',
    'leaf.ext',
  )
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'ec.key',
    '-out',
    'ec.pem',
    '-days',
    '5',
    '-subj',
    '/CN=self.example.org',
    '-addext',
    'subjectAltName=DNS:self.example.org',
  )
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:1024',
    '-nodes',
    '-keyout',
    'cn.key',
    '-out',
    'cn.pem',
    '-days',
    '5',
    '-subj',
    '/CN=legacy.example.org',
    '-sha1',
  )
  for (const name of ['ca', 'leaf', 'ec', 'cn']) {
    pem[name] = readFileSync(path.join(dir, `${name}.pem`), 'utf8')
    certs[name] = new X509Certificate(pem[name] as string)
  }
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const leaf = () => certs.leaf as X509Certificate
const ca = () => certs.ca as X509Certificate
const ec = () => certs.ec as X509Certificate
const cn = () => certs.cn as X509Certificate

describe('certificate facts agree with openssl', () => {
  it('SPKI pin: sha256/BASE64 of the DER public key, as ghostunnel and HPKP compute it', () => {
    const pub = openssl('x509', '-in', 'leaf.pem', '-pubkey', '-noout')
    writeFileSync(path.join(dir, 'pub.pem'), pub)
    openssl('pkey', '-pubin', '-in', 'pub.pem', '-outform', 'DER', '-out', 'pub.der')
    const digest = execFileSync('openssl', ['dgst', '-sha256', '-binary', 'pub.der'], { cwd: dir })
    expect(spkiSha256(leaf())).toBe(`sha256/${digest.toString('base64')}`)
    expect(spkiSha256(leaf())).not.toBe(spkiSha256(ca()))
  })

  it('fingerprint, names, key and signature algorithm', () => {
    const fingerprint = openssl('x509', '-in', 'leaf.pem', '-noout', '-fingerprint', '-sha256')
      .trim()
      .split('=')[1]
    const facts = summarize(leaf())
    expect(facts.fingerprintSha256).toBe(fingerprint)
    expect(facts.subject).toBe('CN=mail.example.org')
    expect(facts.issuer).toBe('CN=Test Root, O=Test CA')
    expect(facts.subjectAltNames).toEqual([
      'DNS:mail.example.org',
      'DNS:*.imap.example.org',
      'IP:127.0.0.1',
      'IP:0:0:0:0:0:0:0:1',
    ])
    expect(facts).toMatchObject({
      keyType: 'rsa',
      keyBits: 2048,
      signatureAlgorithm: 'sha256WithRSAEncryption',
    })
    expect(facts.daysLeft).toBeGreaterThanOrEqual(9)
    expect(facts.daysLeft).toBeLessThanOrEqual(10)
    expect(keyFacts(ec())).toEqual({ keyType: 'ec', keyBits: 256, keyCurve: 'prime256v1' })
    expect(signatureAlgorithm(ec())).toBe('ecdsa-with-SHA256')
    expect(signatureAlgorithm(cn())).toBe('sha1WithRSAEncryption')
    expect(keyFacts(cn()).keyBits).toBe(1024)
  })

  it('self-signed means issued by its own key, not merely a CA', () => {
    expect(isSelfSigned(ec())).toBe(true)
    expect(isSelfSigned(ca())).toBe(true)
    expect(isSelfSigned(leaf())).toBe(false)
  })

  it('parses a PEM bundle and refuses text with no certificate', () => {
    expect(parsePemBundle(`${pem.ca}\n${pem.leaf}`)).toHaveLength(2)
    expect(() => parsePemBundle('not a certificate')).toThrow(/no PEM certificate/)
  })
})

describe('trust is computed from the chain and the anchors', () => {
  it('a leaf issued by an anchor is trusted; without that anchor it is not', () => {
    expect(verifyChain([leaf()], [ca()])).toMatchObject({ trusted: true, problem: null })
    const untrusted = verifyChain([leaf()], [ec()])
    expect(untrusted.trusted).toBe(false)
    expect(untrusted.problem).toContain('Test Root')
  })

  it('a self-signed leaf is named as such', () => {
    const result = verifyChain([ec()], [ca()])
    expect(result.trusted).toBe(false)
    expect(result.problem).toMatch(/self-signed/)
  })

  it('an expired certificate is not trusted, even from a trusted CA', () => {
    const later = new Date(Date.now() + 40 * 86_400_000)
    const result = verifyChain([leaf()], [ca()], later)
    expect(result.trusted).toBe(false)
    expect(result.problem).toMatch(/expired/)
  })

  it('the same certificate as an anchor is trusted (a pinned self-signed CA file)', () => {
    expect(verifyChain([ec()], [ec()]).trusted).toBe(true)
  })
})

describe('host names per RFC 6125 / RFC 7817', () => {
  it('matches exact names case-insensitively, with or without a trailing dot', () => {
    expect(dnsIdMatches('MAIL.Example.ORG.', 'mail.example.org')).toBe(true)
    expect(dnsIdMatches('mail.example.org', 'mail.example.com')).toBe(false)
  })

  it('a wildcard stands for exactly one whole left-most label', () => {
    expect(dnsIdMatches('a.imap.example.org', '*.imap.example.org')).toBe(true)
    expect(dnsIdMatches('imap.example.org', '*.imap.example.org')).toBe(false)
    expect(dnsIdMatches('a.b.imap.example.org', '*.imap.example.org')).toBe(false)
    expect(dnsIdMatches('mail.example.org', 'm*.example.org')).toBe(false)
    expect(dnsIdMatches('mail.example.org', 'mail.*.org')).toBe(false)
    expect(dnsIdMatches('example.com', '*.com')).toBe(false)
    expect(dnsIdMatches('xn--bcher-kva.example.org', '*.example.org')).toBe(false)
  })

  it('compares internationalized names as A-labels', () => {
    expect(dnsIdMatches('bücher.example.org', 'xn--bcher-kva.example.org')).toBe(true)
  })

  it('checks IP literals only against IP entries, IPv6 in any spelling', () => {
    expect(checkHostname('127.0.0.1', leaf()).matches).toBe(true)
    expect(checkHostname('::1', leaf()).matches).toBe(true)
    expect(checkHostname('[0:0::1]', leaf()).matches).toBe(true)
    expect(checkHostname('127.0.0.2', leaf()).matches).toBe(false)
  })

  it('ignores the CN when SANs exist, uses it only when there are none', () => {
    expect(checkHostname('x.imap.example.org', leaf()).matches).toBe(true)
    expect(checkHostname('other.example.org', leaf())).toMatchObject({ matches: false })
    expect(checkHostname('other.example.org', leaf()).explanation).toContain('mail.example.org')
    expect(altNames(cn())).toEqual([])
    expect(checkHostname('legacy.example.org', cn()).matches).toBe(true)
    expect(checkHostname('legacy2.example.org', cn()).matches).toBe(false)
  })
})
