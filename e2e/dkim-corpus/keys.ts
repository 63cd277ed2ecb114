// Signing keys for the generated corpus, made fresh per run (nothing secret is kept), and the key
// file (`NAME TXT-VALUE` lines) that every verifier under test reads instead of DNS.
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const generate = promisify(generateKeyPair)

export const CORPUS_DOMAIN = 'corpus.example'
/** A second domain that signs mail From corpus.example: a signature that is not aligned. */
export const OTHER_DOMAIN = 'other.example'

export type KeyKind = 'rsa512' | 'rsa1024' | 'rsa2048' | 'rsa3072' | 'rsa4096' | 'ed25519'

export interface CorpusKey {
  kind: KeyKind
  privateKey: KeyObject
  /** PKCS#1 PEM for RSA (dkimpy and OpenDKIM read it), PKCS#8 PEM for ed25519 (mailauth). */
  pem: string
  /** Written to disk for the subprocess signers: the PEM, or for ed25519 dkimpy's base64 seed. */
  file: string
  /** The `p=` value: DER SubjectPublicKeyInfo for RSA, the raw 32-byte key for ed25519 (RFC 8463 4). */
  p: string
}

const RSA_BITS: Record<Exclude<KeyKind, 'ed25519'>, number> = {
  rsa512: 512,
  rsa1024: 1024,
  rsa2048: 2048,
  rsa3072: 3072,
  rsa4096: 4096,
}

/**
 * Made keys are kept here between runs: a 4096-bit RSA key takes 1 to 10 s to make, the rest of the
 * corpus under 3 s. They are throwaway test keys, published nowhere but the corpus key file.
 */
export const KEY_CACHE_DIR = path.join(os.tmpdir(), 'mailwarden-dkim-corpus-keys-v1')

async function privateKeyFor(kind: KeyKind): Promise<KeyObject> {
  const cached = path.join(KEY_CACHE_DIR, `${kind}.pem`)
  try {
    return createPrivateKey(await readFile(cached, 'utf8'))
  } catch {
    const { privateKey } =
      kind === 'ed25519'
        ? await generate('ed25519')
        : await generate('rsa', { modulusLength: RSA_BITS[kind] })
    await mkdir(KEY_CACHE_DIR, { recursive: true })
    const temp = `${cached}.${process.pid}.tmp`
    await writeFile(temp, String(privateKey.export({ type: 'pkcs8', format: 'pem' })), { mode: 0o600 })
    await rename(temp, cached)
    return privateKey
  }
}

async function makeKey(kind: KeyKind, dir: string): Promise<CorpusKey> {
  const file = path.join(dir, `${kind}.key`)
  const privateKey = await privateKeyFor(kind)
  const publicKey = createPublicKey(privateKey)
  if (kind === 'ed25519') {
    const jwkPrivate = privateKey.export({ format: 'jwk' })
    const jwkPublic = publicKey.export({ format: 'jwk' })
    const seed = Buffer.from(String(jwkPrivate.d), 'base64url').toString('base64')
    await writeFile(file, seed)
    return {
      kind,
      privateKey,
      pem: String(privateKey.export({ type: 'pkcs8', format: 'pem' })),
      file,
      p: Buffer.from(String(jwkPublic.x), 'base64url').toString('base64'),
    }
  }
  const pem = String(privateKey.export({ type: 'pkcs1', format: 'pem' }))
  await writeFile(file, pem)
  return {
    kind,
    privateKey,
    pem,
    file,
    p: (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64'),
  }
}

export type KeySet = Record<KeyKind, CorpusKey>

export async function makeKeys(dir: string): Promise<KeySet> {
  const kinds = Object.keys(RSA_BITS).concat('ed25519') as KeyKind[]
  const keys = await Promise.all(kinds.map((kind) => makeKey(kind, dir)))
  return Object.fromEntries(keys.map((k) => [k.kind, k])) as KeySet
}

/** One published selector: which private key signs for it, and the record served for it. */
export interface Selector {
  name: string
  domain: string
  key: KeyKind
  /** The TXT value; undefined = not published at all (the "no key" cases). */
  record?: (key: CorpusKey) => string
  /** The lookup fails as a DNS timeout would (the differential test's key sources do this). */
  transient?: boolean
}

const rsa =
  (extra = '') =>
  (key: CorpusKey) =>
    `v=DKIM1; k=rsa;${extra} p=${key.p}`

/** Every selector the corpus signs with. Names say what is special about the record. */
export const SELECTORS = {
  rsa512: { name: 'rsa512', domain: CORPUS_DOMAIN, key: 'rsa512', record: rsa() },
  rsa1024: { name: 'rsa1024', domain: CORPUS_DOMAIN, key: 'rsa1024', record: rsa() },
  rsa2048: { name: 'rsa2048', domain: CORPUS_DOMAIN, key: 'rsa2048', record: rsa() },
  rsa3072: { name: 'rsa3072', domain: CORPUS_DOMAIN, key: 'rsa3072', record: rsa() },
  rsa4096: { name: 'rsa4096', domain: CORPUS_DOMAIN, key: 'rsa4096', record: rsa() },
  ed25519: {
    name: 'ed25519',
    domain: CORPUS_DOMAIN,
    key: 'ed25519',
    record: (k) => `v=DKIM1; k=ed25519; p=${k.p}`,
  },
  other: { name: 'rsa2048', domain: OTHER_DOMAIN, key: 'rsa2048', record: rsa() },
  /** No record published: a missing key (RFC 6376 6.1.2, PERMFAIL "no key for signature"). */
  missing: { name: 'missing', domain: CORPUS_DOMAIN, key: 'rsa2048' },
  /** `p=` empty: the key was revoked (RFC 6376 3.6.1). */
  revoked: { name: 'revoked', domain: CORPUS_DOMAIN, key: 'rsa2048', record: () => 'v=DKIM1; k=rsa; p=' },
  /** `t=y`: the domain is testing DKIM (RFC 6376 3.6.1). */
  testing: { name: 'testing', domain: CORPUS_DOMAIN, key: 'rsa2048', record: rsa(' t=y;') },
  /** `h=sha1` only: an rsa-sha256 signature must not use this key (RFC 6376 3.6.1, 6.1.2). */
  sha1only: { name: 'sha1only', domain: CORPUS_DOMAIN, key: 'rsa2048', record: rsa(' h=sha1;') },
  /** `s=email`: the key may sign mail (RFC 6376 3.6.1); a control that must pass. */
  service: { name: 'service', domain: CORPUS_DOMAIN, key: 'rsa2048', record: rsa(' s=email;') },
  /** `s=tlsrpt`: the key is for TLS reports only, not for this mail. */
  tlsrptOnly: { name: 'tlsrpt', domain: CORPUS_DOMAIN, key: 'rsa2048', record: rsa(' s=tlsrpt;') },
  /** `t=s`: an `i=` in a subdomain of `d=` is not allowed with this key. */
  strictSub: { name: 'strictsub', domain: CORPUS_DOMAIN, key: 'rsa2048', record: rsa(' t=s;') },
  /** A key of type ed25519 published for an RSA private key: the verification must fail. */
  wrongType: {
    name: 'wrongtype',
    domain: CORPUS_DOMAIN,
    key: 'rsa2048',
    record: () => 'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=',
  },
  /** Not in the key file; every verifier's lookup of it fails as a DNS timeout does: temperror. */
  unreachable: { name: 'unreachable', domain: CORPUS_DOMAIN, key: 'rsa2048', transient: true },
} as const satisfies Record<string, Selector>

/** Key names whose lookup fails transiently (a DNS timeout, RFC 8601 2.7.1 temperror). */
export const TRANSIENT_KEY_NAMES: ReadonlySet<string> = new Set(
  (Object.values(SELECTORS) as Selector[])
    .filter((s) => s.transient)
    .map((s) => `${s.name}._domainkey.${s.domain}`),
)

export type SelectorId = keyof typeof SELECTORS

export function keyFileLines(keys: KeySet): string[] {
  const lines: string[] = []
  for (const selector of Object.values(SELECTORS) as Selector[]) {
    if (!selector.record) continue
    lines.push(`${selector.name}._domainkey.${selector.domain} ${selector.record(keys[selector.key])}`)
  }
  return lines
}
