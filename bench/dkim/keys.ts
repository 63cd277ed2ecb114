// The benchmark's signing keys, made from the seed (not random, not cached in /tmp): an RSA-2048 key
// from two seeded primes and an ed25519 key from a seeded 32-byte seed. So the signed corpus is the
// same bytes on every machine. Throwaway keys for a benchmark; the key file is the only place their
// public halves are published (no DNS).
import { checkPrimeSync, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import type { Random } from './random.js'

export const DOMAIN = 'bench.example'

export type Algorithm = 'rsa-sha256' | 'ed25519-sha256'

export interface BenchKey {
  algorithm: Algorithm
  selector: string
  privateKey: KeyObject
  publicKey: KeyObject
  /** PKCS#8 PEM (mailauth's signer takes it for both kinds). */
  pem: string
  /** The key record's p=: DER SubjectPublicKeyInfo for RSA, the raw 32 bytes for ed25519 (RFC 8463 4.2). */
  p: string
}

export type BenchKeys = Record<Algorithm, BenchKey>

const E = 65537n

function bigintOf(random: Random, bits: number): bigint {
  return BigInt(`0x${random.hex(bits / 4)}`)
}

/** A prime of exactly `bits` bits with p-1 prime to e (the top two bits set, so p*q has 2*bits). */
function primeOf(random: Random, bits: number): bigint {
  for (;;) {
    let candidate = bigintOf(random, bits) | (3n << BigInt(bits - 2)) | 1n
    for (let step = 0; step < 10_000; step++, candidate += 2n) {
      if ((candidate - 1n) % E !== 0n && checkPrimeSync(candidate)) return candidate
    }
  }
}

function inverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m]
  let [oldS, s] = [1n, 0n]
  while (r !== 0n) {
    const q = oldR / r
    ;[oldR, r] = [r, oldR - q * r]
    ;[oldS, s] = [s, oldS - q * s]
  }
  return ((oldS % m) + m) % m
}

function base64url(n: bigint): string {
  const hex = n.toString(16)
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url')
}

function rsaKey(random: Random): KeyObject {
  let p = primeOf(random, 1024)
  let q = primeOf(random, 1024)
  if (p < q) [p, q] = [q, p]
  const d = inverse(E, (p - 1n) * (q - 1n))
  return createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'RSA',
      n: base64url(p * q),
      e: base64url(E),
      d: base64url(d),
      p: base64url(p),
      q: base64url(q),
      dp: base64url(d % (p - 1n)),
      dq: base64url(d % (q - 1n)),
      qi: base64url(inverse(q, p)),
    },
  })
}

/** PKCS#8 for an ed25519 seed (RFC 8410 7): a fixed 16-byte prefix, then the 32 bytes. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

function ed25519Key(random: Random): KeyObject {
  return createPrivateKey({
    format: 'der',
    type: 'pkcs8',
    key: Buffer.concat([ED25519_PKCS8_PREFIX, random.bytes(32)]),
  })
}

function benchKey(algorithm: Algorithm, selector: string, privateKey: KeyObject): BenchKey {
  const publicKey = createPublicKey(privateKey)
  const p =
    algorithm === 'ed25519-sha256'
      ? Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url').toString('base64')
      : (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64')
  return {
    algorithm,
    selector,
    privateKey,
    publicKey,
    pem: String(privateKey.export({ type: 'pkcs8', format: 'pem' })),
    p,
  }
}

export function makeKeys(random: Random): BenchKeys {
  return {
    'rsa-sha256': benchKey('rsa-sha256', 'rsa2048', rsaKey(random)),
    'ed25519-sha256': benchKey('ed25519-sha256', 'ed25519', ed25519Key(random)),
  }
}

/** The key file every verifier reads: `NAME TXT-VALUE` lines, as `mailwarden dkim verify --keys` takes. */
export function keyFileText(keys: BenchKeys): string {
  const kind = (k: BenchKey) => (k.algorithm === 'ed25519-sha256' ? 'ed25519' : 'rsa')
  return Object.values(keys)
    .map((k) => `${k.selector}._domainkey.${DOMAIN} v=DKIM1; k=${kind(k)}; p=${k.p}\n`)
    .join('')
}
