// Making one DKIM key pair with node:crypto, and the forms each side needs: the private key as
// PKCS#8 PEM (what Exim with GnuTLS or OpenSSL, OpenDKIM, mailauth and, for RSA, dkimpy read;
// opendkim-genkey writes the same "BEGIN PRIVATE KEY" form) and the p= value of the DNS record.
import { createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import { KEYGEN_TYPES, type KeygenType } from '../../../shared/contract/domain.js'

export { KEYGEN_TYPES, type KeygenType }

const generate = promisify(generateKeyPair)

/** One key's kind. `rsa-2048+ed25519` (two keys) is a KeygenType, made as two of these. */
export type KeyType = 'rsa-2048' | 'rsa-3072' | 'ed25519'

/** The k= tag of the record. */
export type KeyAlgorithm = 'rsa' | 'ed25519'

export interface DkimKey {
  type: KeyType
  algorithm: KeyAlgorithm
  /** The signing algorithm a signer puts in a=. */
  signatureAlgorithm: 'rsa-sha256' | 'ed25519-sha256'
  /** PKCS#8 PEM ("BEGIN PRIVATE KEY"), ending with a newline. A secret: never print it. */
  privatePem: string
  /** The p= value: base64 DER SubjectPublicKeyInfo for RSA (RFC 6376 3.6.1, as every signer
   * publishes it), base64 of the raw 32-byte public key for ed25519 (RFC 8463 4). */
  p: string
  /** The whole TXT value: `v=DKIM1; k=rsa; p=...`. */
  publicRecord: string
}

/** The types that make more than one key, in the order the keys are made. */
export function keyTypesOf(type: KeygenType): KeyType[] {
  return type === 'rsa-2048+ed25519' ? ['rsa-2048', 'ed25519'] : [type]
}

export function isKeygenType(text: string): text is KeygenType {
  return (KEYGEN_TYPES as readonly string[]).includes(text)
}

/** The p= value for a public key of either kind. */
export function publicKeyValue(publicKey: KeyObject): string {
  if (publicKey.asymmetricKeyType === 'ed25519') {
    const jwk = publicKey.export({ format: 'jwk' })
    return Buffer.from(String(jwk.x), 'base64url').toString('base64')
  }
  if (publicKey.asymmetricKeyType === 'rsa')
    return publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
  throw new Error(`DKIM has no record form for a ${publicKey.asymmetricKeyType} key`)
}

export function recordValue(algorithm: KeyAlgorithm, p: string): string {
  return `v=DKIM1; k=${algorithm}; p=${p}`
}

/** Makes one key. For the lab (e2e/lab/certs.ts) as much as for the CLI. */
export async function makeDkimKey({ type }: { type: KeyType }): Promise<DkimKey> {
  const { privateKey } =
    type === 'ed25519'
      ? await generate('ed25519')
      : await generate('rsa', { modulusLength: type === 'rsa-3072' ? 3072 : 2048 })
  const algorithm: KeyAlgorithm = type === 'ed25519' ? 'ed25519' : 'rsa'
  const p = publicKeyValue(createPublicKey(privateKey))
  return {
    type,
    algorithm,
    signatureAlgorithm: algorithm === 'ed25519' ? 'ed25519-sha256' : 'rsa-sha256',
    privatePem: String(privateKey.export({ type: 'pkcs8', format: 'pem' })),
    p,
    publicRecord: recordValue(algorithm, p),
  }
}
