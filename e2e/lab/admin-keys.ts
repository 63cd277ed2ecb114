// DKIM keys of the administrator test domains (e2e/lab/admin-domains.ts), made with node:crypto at
// every lab start (a few hundred milliseconds) and written as PEM files next to the lab state, so
// that `domain check --private-key` tests can give the signer's half of a published key.
import { generateKeyPairSync } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export interface AdminKey {
  /** PEM file of the private key (PKCS#8). */
  privateKeyFile: string
  /** The p= value: base64 SubjectPublicKeyInfo (RSA) or the 32 raw bytes (Ed25519, RFC 8463). */
  publicKeyBase64: string
}

/** Which keys the admin domains publish; the name is also the file name. */
export const ADMIN_KEY_SPECS = {
  classic1024: { type: 'rsa', bits: 1024 },
  weak512: { type: 'rsa', bits: 512 },
  split2048: { type: 'rsa', bits: 2048 },
  good2048: { type: 'rsa', bits: 2048 },
  big3072: { type: 'rsa', bits: 3072 },
  sha1only2048: { type: 'rsa', bits: 2048 },
  ed25519: { type: 'ed25519', bits: 256 },
} as const

export type AdminKeyName = keyof typeof ADMIN_KEY_SPECS
export type AdminKeys = Record<AdminKeyName, AdminKey>

export function adminKeysDir(stateDir: string): string {
  return path.join(stateDir, 'admin-keys')
}

export function adminKeyFile(stateDir: string, name: AdminKeyName): string {
  return path.join(adminKeysDir(stateDir), `${name}.key`)
}

function makeKey(spec: (typeof ADMIN_KEY_SPECS)[AdminKeyName], file: string): AdminKey {
  const { privateKey, publicKey } =
    spec.type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: spec.bits })
      : generateKeyPairSync('ed25519')
  fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o644 })
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  // Ed25519's p= is the raw key: the SPKI minus its fixed 12-byte prefix.
  const raw = spec.type === 'ed25519' ? spki.subarray(spki.length - 32) : spki
  return { privateKeyFile: file, publicKeyBase64: raw.toString('base64') }
}

export function makeAdminKeys(stateDir: string): AdminKeys {
  const dir = adminKeysDir(stateDir)
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 })
  const out = {} as AdminKeys
  for (const [name, spec] of Object.entries(ADMIN_KEY_SPECS))
    out[name as AdminKeyName] = makeKey(spec, adminKeyFile(stateDir, name as AdminKeyName))
  return out
}
