// Test support: real signatures from an independent signer (dkimpy, Debian's python3-dkim) with
// keys generated here by node:crypto, and the DNS records that publish them.
import { execFileSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const HELPER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dkimpy-sign.py')

export interface TestKey {
  /** What dkimpy takes as the private key. */
  privateKey: string
  /** The DNS TXT record's p= value. */
  publicKey: string
  type: 'rsa' | 'ed25519'
}

export function rsaKey(bits = 2048): TestKey {
  const pair = generateKeyPairSync('rsa', { modulusLength: bits })
  return {
    privateKey: pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    type: 'rsa',
  }
}

export function ed25519Key(): TestKey {
  const pair = generateKeyPairSync('ed25519')
  const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'der' })
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' })
  return {
    privateKey: pkcs8.subarray(pkcs8.length - 32).toString('base64'),
    publicKey: spki.subarray(spki.length - 32).toString('base64'),
    type: 'ed25519',
  }
}

export function keyRecord(key: TestKey, extra = ''): string {
  return `v=DKIM1; k=${key.type}; ${extra}p=${key.publicKey}`
}

export interface SignJob {
  message: string | Buffer
  key: TestKey
  domain: string
  selector: string
  hcanon?: 'simple' | 'relaxed'
  bcanon?: 'simple' | 'relaxed'
  algorithm?: 'rsa-sha256' | 'rsa-sha1' | 'ed25519-sha256'
  /** h= exactly (dkimpy otherwise picks its own list, oversigning From and others). */
  headers?: string[]
  /** Sign with l= (the body length). */
  length?: boolean
  identity?: string
}

/** Signs every job in one dkimpy run; returns the signed messages (bytes). */
export function signWithDkimpy(jobs: SignJob[]): Buffer[] {
  const input = jobs.map((job) => ({
    message: Buffer.from(job.message).toString('base64'),
    key: job.key.privateKey,
    domain: job.domain,
    selector: job.selector,
    hcanon: job.hcanon,
    bcanon: job.bcanon,
    algorithm: job.algorithm ?? (job.key.type === 'ed25519' ? 'ed25519-sha256' : 'rsa-sha256'),
    headers: job.headers ?? null,
    length: job.length ?? false,
    identity: job.identity,
  }))
  const out = execFileSync('/usr/bin/python3', [HELPER], {
    input: JSON.stringify(input),
    maxBuffer: 64 * 1024 * 1024,
  })
  return (JSON.parse(out.toString()) as string[]).map((b64) => Buffer.from(b64, 'base64'))
}

/** A plain message with CRLF line endings. */
export function message(
  options: { from?: string; subject?: string; body?: string; extra?: string } = {},
): string {
  const body = options.body ?? 'Hello Alice,\r\n\r\nThe meeting is at 10:00.\r\n\r\nBob\r\n'
  return (
    `From: ${options.from ?? 'Bob <bob@example.org>'}\r\n` +
    'To: Alice <alice@example.net>\r\n' +
    `Subject: ${options.subject ?? 'Meeting'}\r\n` +
    'Date: Tue, 01 Dec 2026 10:00:00 +0000\r\n' +
    'Message-ID: <test-1@example.org>\r\n' +
    'MIME-Version: 1.0\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    (options.extra ?? '') +
    '\r\n' +
    body
  )
}
