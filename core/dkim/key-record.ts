// DKIM key records (RFC 6376 3.6.1, RFC 8463 for ed25519): the v, k, p, h, s and t tags, each
// checked, and the key turned into a node:crypto KeyObject.
import { createPublicKey, type KeyObject } from 'node:crypto'
import { MAX_CACHED_KEYS } from './limits.js'
import type { KeyType, ParsedSignature } from './signature.js'
import { decodeBase64Strict, parseTagList, stripFws } from './tag-list.js'

export interface PublicKeyRecord {
  keyType: KeyType
  key: KeyObject
  /** RSA modulus bits, or 256 for ed25519. */
  bits: number
  testing: boolean
  /** t=s: i= must be exactly d=, no subdomain. */
  strictIdentity: boolean
  /** h= as listed (null: any). */
  hashes: string[] | null
  record: string
}

export type KeyRecordResult =
  | { ok: true; key: PublicKeyRecord }
  | { ok: false; revoked: boolean; reason: string }

// An ed25519 public key is 32 raw bytes (RFC 8463 4.2); node:crypto reads SubjectPublicKeyInfo.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

function rsaKey(der: Buffer): KeyObject | null {
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' })
  } catch {
    // Some domains publish a bare PKCS#1 RSAPublicKey; RFC 6376 says SPKI, but the key is the same.
    try {
      return createPublicKey({ key: der, format: 'der', type: 'pkcs1' })
    } catch {
      return null
    }
  }
}

/** Parsed records by text: a batch meets the same few keys again and again, and parsing is costly.
 * At most MAX_CACHED_KEYS of them. */
const parsedKeys = new Map<string, KeyRecordResult>()

export function parseKeyRecord(record: string): KeyRecordResult {
  const cached = parsedKeys.get(record)
  if (cached) return cached
  const result = parseKeyRecordUncached(record)
  if (parsedKeys.size >= MAX_CACHED_KEYS) parsedKeys.delete(parsedKeys.keys().next().value as string)
  parsedKeys.set(record, result)
  return result
}

function parseKeyRecordUncached(record: string): KeyRecordResult {
  const bad = (reason: string): KeyRecordResult => ({ ok: false, revoked: false, reason })
  const parsed = parseTagList(record)
  if (!parsed.ok) return bad(`The key record is malformed: ${parsed.reason}.`)
  const tags = parsed.tags
  const get = (name: string) => tags.get(name)?.value ?? ''
  if (tags.has('v')) {
    if (get('v') !== 'DKIM1') return bad(`The key record has v=${get('v').slice(0, 20)}, not DKIM1.`)
    if (tags.keys().next().value !== 'v')
      return bad('v= must be the first tag of a key record (RFC 6376 3.6.1).')
  }
  const k = tags.has('k') ? get('k').toLowerCase() : 'rsa'
  if (k !== 'rsa' && k !== 'ed25519') return bad(`The key type k=${get('k').slice(0, 20)} is unknown.`)
  if (!tags.has('p')) return bad('The key record has no p= (public key) tag.')
  const p = stripFws(get('p'))
  if (p === '')
    return { ok: false, revoked: true, reason: 'The key has been revoked (its record has an empty p=).' }
  const der = decodeBase64Strict(p)
  if (!der) return bad('The key record’s p= is not valid base64.')

  let hashes: string[] | null = null
  if (tags.has('h')) hashes = stripFws(get('h')).toLowerCase().split(':')
  if (tags.has('s')) {
    const services = stripFws(get('s')).toLowerCase().split(':')
    if (!services.includes('*') && !services.includes('email'))
      return bad(`The key is for other services (s=${get('s').slice(0, 40)}), not for email.`)
  }
  const flags = tags.has('t') ? stripFws(get('t')).toLowerCase().split(':') : []

  let key: KeyObject | null
  let bits: number
  if (k === 'ed25519') {
    if (der.length !== 32) return bad(`An ed25519 key has 32 bytes; this one has ${der.length}.`)
    try {
      key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, der]), format: 'der', type: 'spki' })
    } catch {
      key = null
    }
    bits = 256
  } else {
    key = rsaKey(der)
    bits = key?.asymmetricKeyDetails?.modulusLength ?? 0
  }
  if (!key) return bad(`The p= value is not a valid ${k} public key.`)
  if (key.asymmetricKeyType !== k)
    return bad(`p= holds a ${key.asymmetricKeyType} key, but the record says k=${k}.`)
  return {
    ok: true,
    key: {
      keyType: k,
      key,
      bits,
      testing: flags.includes('y'),
      strictIdentity: flags.includes('s'),
      hashes,
      record,
    },
  }
}

/** Checks the key against the signature that wants it (k=, h=, t=s); null when it fits. */
export function keyMismatch(key: PublicKeyRecord, signature: ParsedSignature): string | null {
  if (key.keyType !== signature.keyType)
    return `The key is ${key.keyType}, but the signature uses ${signature.algorithm}.`
  if (key.hashes && !key.hashes.includes(signature.hash))
    return `The key allows only h=${key.hashes.join(':')}, but the signature uses ${signature.hash} (RFC 6376 3.6.1).`
  if (key.strictIdentity && signature.identityDomain !== signature.domain)
    return `The key has t=s (no subdomains), but i= is in the subdomain ${signature.identityDomain}.`
  return null
}
