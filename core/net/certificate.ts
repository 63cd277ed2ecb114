// Certificate facts from node:crypto's X509Certificate (what a TLS socket's
// getPeerX509Certificate() returns): names, validity, key, signature algorithm, the SHA-256 of
// the certificate and of its public key (SPKI, "sha256/BASE64" as HPKP and ghostunnel write
// pins), the chain, trust against a list of anchors, and the RFC 6125 / RFC 7817 host-name
// check. Shared by the probe (reports them) and the tunnel (pins with spkiSha256).
import { createHash, X509Certificate } from 'node:crypto'
import net from 'node:net'
import type tls from 'node:tls'
import { domainToASCII } from 'node:url'
import { MAX_CHAIN_LENGTH, MAX_NAMES_LISTED } from './limits.js'

const DAY_MS = 86_400_000

/** The public-key pin: SHA-256 of the DER SubjectPublicKeyInfo, as "sha256/BASE64". */
export function spkiSha256(cert: X509Certificate): string {
  const der = cert.publicKey.export({ type: 'spki', format: 'der' })
  return `sha256/${createHash('sha256').update(der).digest('base64')}`
}

/** SHA-256 of the whole certificate: upper-case hex with colons, as openssl prints it. */
export function fingerprintSha256(cert: X509Certificate): string {
  return cert.fingerprint256
}

/** Node writes a distinguished name one attribute per line; a report wants one line. */
export function distinguishedName(text: string): string {
  return text
    .split('\n')
    .filter((part) => part.length > 0)
    .reverse()
    .join(', ')
}

function commonNames(subject: string): string[] {
  return subject
    .split('\n')
    .filter((line) => line.startsWith('CN='))
    .map((line) => line.slice(3))
}

export interface AltName {
  kind: string
  value: string
}

/**
 * Parses X509Certificate.subjectAltName ("DNS:a.example, IP Address:127.0.0.1"). Node quotes a
 * value that holds a comma or a quote ("DNS:\"a,b\""), so a hostile name cannot forge an entry.
 */
export function altNames(cert: X509Certificate): AltName[] {
  const text = cert.subjectAltName
  if (!text) return []
  const names: AltName[] = []
  const entry = /([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/gy
  let match = entry.exec(text)
  while (match !== null && match[0].length > 0) {
    const raw = match[2] ?? ''
    let value = raw
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw) as string
      } catch {
        value = raw.slice(1, -1)
      }
    }
    names.push({ kind: match[1] ?? '', value })
    match = entry.exec(text)
  }
  return names
}

function altNameText(name: AltName): string {
  return name.kind === 'IP Address' ? `IP:${name.value}` : `${name.kind}:${name.value}`
}

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-SHA256',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
}

/** Reads one DER tag-length header at `offset`: [tag, start of content, content length]. */
function derHeader(der: Buffer, offset: number): [number, number, number] {
  const tag = der[offset] ?? -1
  let length = der[offset + 1] ?? 0
  let start = offset + 2
  if (length & 0x80) {
    const count = length & 0x7f
    if (count === 0 || count > 4) throw new Error('unsupported DER length')
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] ?? 0)
    start += count
  }
  if (start + length > der.length) throw new Error('truncated DER')
  return [tag, start, length]
}

function oidText(bytes: Buffer): string {
  const parts: number[] = []
  let value = 0
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f)
    if (!(byte & 0x80)) {
      if (parts.length === 0)
        parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80)
      else parts.push(value)
      value = 0
    }
  }
  return parts.join('.')
}

/**
 * The certificate's signature algorithm (Node does not expose it): the OID of the
 * signatureAlgorithm that follows tbsCertificate (RFC 5280 4.1.1.2), by name when known.
 */
export function signatureAlgorithm(cert: X509Certificate): string {
  try {
    const der = cert.raw
    const [, certStart] = derHeader(der, 0)
    const [, tbsStart, tbsLength] = derHeader(der, certStart)
    const [algTag, algStart] = derHeader(der, tbsStart + tbsLength)
    if (algTag !== 0x30) return 'unknown'
    const [oidTag, oidStart, oidLength] = derHeader(der, algStart)
    if (oidTag !== 0x06) return 'unknown'
    const oid = oidText(der.subarray(oidStart, oidStart + oidLength))
    return SIGNATURE_ALGORITHMS[oid] ?? oid
  } catch {
    return 'unknown'
  }
}

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  secp256r1: 256,
  secp384r1: 384,
  secp521r1: 521,
  secp256k1: 256,
  secp224r1: 224,
}

export interface KeyFacts {
  keyType: string
  keyBits: number | null
  keyCurve: string | null
}

export function keyFacts(cert: X509Certificate): KeyFacts {
  const key = cert.publicKey
  const type = key.asymmetricKeyType ?? 'unknown'
  const details = key.asymmetricKeyDetails ?? {}
  if (type === 'ed25519') return { keyType: type, keyBits: 256, keyCurve: null }
  if (type === 'ed448') return { keyType: type, keyBits: 456, keyCurve: null }
  if (type === 'ec') {
    const curve = details.namedCurve ?? null
    return { keyType: type, keyBits: curve ? (CURVE_BITS[curve] ?? null) : null, keyCurve: curve }
  }
  return { keyType: type, keyBits: details.modulusLength ?? null, keyCurve: null }
}

/** Issued by itself: same name and its own key verifies its signature. */
export function isSelfSigned(cert: X509Certificate): boolean {
  if (cert.subject !== cert.issuer) return false
  try {
    return cert.checkIssued(cert) && cert.verify(cert.publicKey)
  } catch {
    return false
  }
}

export function validity(cert: X509Certificate, now: Date = new Date()) {
  const notBefore = new Date(cert.validFrom)
  const notAfter = new Date(cert.validTo)
  return {
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    expired: now.getTime() > notAfter.getTime(),
    notYetValid: now.getTime() < notBefore.getTime(),
  }
}

export interface CertificateSummary extends KeyFacts {
  subject: string
  issuer: string
  subjectAltNames: string[]
  notBefore: string
  notAfter: string
  daysLeft: number
  serialNumber: string
  signatureAlgorithm: string
  fingerprintSha256: string
  spkiSha256: string
  selfSigned: boolean
  isCa: boolean
}

export function summarize(cert: X509Certificate, now: Date = new Date()): CertificateSummary {
  const { notBefore, notAfter, daysLeft } = validity(cert, now)
  return {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    subjectAltNames: altNames(cert).map(altNameText),
    notBefore,
    notAfter,
    daysLeft,
    serialNumber: cert.serialNumber,
    ...keyFacts(cert),
    signatureAlgorithm: signatureAlgorithm(cert),
    fingerprintSha256: fingerprintSha256(cert),
    spkiSha256: spkiSha256(cert),
    selfSigned: isSelfSigned(cert),
    isCa: cert.ca,
  }
}

/**
 * The chain as the server presented it, leaf first (Node's getPeerCertificate(true) links each
 * certificate to its issuer; the last one points at itself). Bounded by MAX_CHAIN_LENGTH.
 */
export function peerChain(socket: tls.TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = []
  const seen = new Set<string>()
  let current: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true)
  while (current?.raw && chain.length < MAX_CHAIN_LENGTH) {
    const cert = new X509Certificate(current.raw)
    if (seen.has(cert.fingerprint256)) break
    seen.add(cert.fingerprint256)
    chain.push(cert)
    current = current.issuerCertificate
  }
  return chain
}

function normalizeIp(ip: string): string | null {
  const family = net.isIP(ip)
  if (family === 4) return ip
  if (family === 6) {
    try {
      return new URL(`http://[${ip}]/`).hostname.slice(1, -1)
    } catch {
      return null
    }
  }
  return null
}

function asciiName(name: string): string {
  const lower = name.trim().replace(/\.$/, '').toLowerCase()
  return domainToASCII(lower) || lower
}

/**
 * One DNS-ID against the reference identifier, per RFC 6125 6.4 as RFC 7817 narrows it for mail:
 * case-insensitive, A-labels compared, a wildcard only as the whole left-most label, matching
 * exactly one label, and never with fewer than two labels after it ("*.com" matches nothing).
 */
export function dnsIdMatches(reference: string, presented: string): boolean {
  const host = asciiName(reference)
  const pattern = asciiName(presented)
  if (!host || !pattern) return false
  if (!pattern.includes('*')) return host === pattern
  const [first, ...rest] = pattern.split('.')
  if (first !== '*' || rest.length < 2 || rest.some((label) => label.includes('*'))) return false
  const labels = host.split('.')
  if (labels.length !== rest.length + 1 || !labels[0]) return false
  // A wildcard never stands for an IDN A-label (RFC 6125 6.4.3).
  if (labels[0].startsWith('xn--')) return false
  return labels.slice(1).join('.') === rest.join('.')
}

export interface HostnameCheck {
  matches: boolean
  /** Which identity matched, or why none did, in words. */
  explanation: string
}

/**
 * Does the certificate name `host`? An IP literal matches only an iPAddress SAN. A name matches a
 * DNS SAN; the subject CN is consulted only when the certificate has no DNS or IP SAN at all
 * (RFC 6125 6.4.4), as legacy certificates need.
 */
export function checkHostname(host: string, cert: X509Certificate): HostnameCheck {
  const names = altNames(cert)
  const ip = normalizeIp(host.replace(/^\[|\]$/g, ''))
  if (ip) {
    const hit = names.find((n) => n.kind === 'IP Address' && normalizeIp(n.value) === ip)
    return hit
      ? { matches: true, explanation: `IP:${hit.value} names ${ip}.` }
      : { matches: false, explanation: `The certificate has no IP address entry for ${ip}.` }
  }
  const dnsIds = names.filter((n) => n.kind === 'DNS').map((n) => n.value)
  const hasSans = dnsIds.length > 0 || names.some((n) => n.kind === 'IP Address')
  const candidates = hasSans ? dnsIds : commonNames(cert.subject)
  const hit = candidates.find((id) => dnsIdMatches(host, id))
  if (hit)
    return {
      matches: true,
      explanation: hasSans ? `DNS:${hit} names ${host}.` : `The subject CN ${hit} names ${host} (no SAN).`,
    }
  const listed = candidates.length > 0 ? candidates.slice(0, MAX_NAMES_LISTED).join(', ') : 'no names'
  return { matches: false, explanation: `The certificate is for ${listed}, not ${host}.` }
}

/** Every certificate of a PEM bundle (a CA file). Throws on a file with none. */
export function parsePemBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  const certs = blocks.map((block) => new X509Certificate(block))
  if (certs.length === 0) throw new Error('no PEM certificate in it')
  return certs
}

export interface TrustResult {
  trusted: boolean
  /** Why not, in words; null when trusted. */
  problem: string | null
  /** The path found, leaf first, ending at an anchor when trusted. */
  path: X509Certificate[]
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey)
  } catch {
    return false
  }
}

/**
 * Builds a path from the leaf to one of `anchors` through the certificates the server sent
 * (signatures verified, each issuer a CA, every certificate in date). The host name is a
 * separate check (checkHostname).
 */
export function verifyChain(
  presented: X509Certificate[],
  anchors: X509Certificate[],
  now: Date = new Date(),
): TrustResult {
  const leaf = presented[0]
  if (!leaf) return { trusted: false, problem: 'The server sent no certificate.', path: [] }
  const anchorPrints = new Set(anchors.map((a) => a.fingerprint256))
  const path: X509Certificate[] = [leaf]
  let current = leaf
  for (let depth = 0; depth < MAX_CHAIN_LENGTH; depth++) {
    const when = validity(current, now)
    if (when.expired)
      return {
        trusted: false,
        problem: `${depth === 0 ? 'The certificate' : `The chain certificate ${distinguishedName(current.subject)}`} expired on ${when.notAfter.slice(0, 10)}.`,
        path,
      }
    if (when.notYetValid)
      return {
        trusted: false,
        problem: `${depth === 0 ? 'The certificate' : 'A chain certificate'} is not valid before ${when.notBefore.slice(0, 10)}.`,
        path,
      }
    if (anchorPrints.has(current.fingerprint256)) return { trusted: true, problem: null, path }
    const anchor = anchors.find((a) => issuedBy(current, a) && a.ca)
    if (anchor) {
      path.push(anchor)
      const anchorTime = validity(anchor, now)
      if (anchorTime.expired)
        return {
          trusted: false,
          problem: `The issuing CA expired on ${anchorTime.notAfter.slice(0, 10)}.`,
          path,
        }
      return { trusted: true, problem: null, path }
    }
    if (isSelfSigned(current))
      return {
        trusted: false,
        problem:
          depth === 0
            ? 'The certificate is self-signed: no trusted CA vouches for it.'
            : `The chain ends at ${distinguishedName(current.subject)}, which is not a trusted CA.`,
        path,
      }
    const next = presented.find((c) => c !== current && !path.includes(c) && c.ca && issuedBy(current, c))
    if (!next)
      return {
        trusted: false,
        problem: `It is issued by ${distinguishedName(current.issuer)}, which is not among the trusted CAs (and the server sent no certificate that leads to one).`,
        path,
      }
    path.push(next)
    current = next
  }
  return { trusted: false, problem: `The chain is longer than ${MAX_CHAIN_LENGTH} certificates.`, path }
}
