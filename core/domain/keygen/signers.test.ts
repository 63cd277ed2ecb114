// Real signers read the keys keygen writes: dkimpy (Debian python3-dkim) signs with the files,
// and Mailwarden's verifier and mailauth verify against the records keygen prints. OpenDKIM's
// own generator is compared for format. ed25519: dkimpy reads only a base64 seed, made with the
// command the advice prints (so the advice is tested too), and refuses the PEM (as the advice says).
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KeygenResult, runKeygen } from './keygen.js'
import { verifyWithRecords } from './verify-with-records.js'

const run = promisify(execFile)
/** Debian's interpreter: python3-dkim is installed for it, not for a pyenv shim on PATH. */
const PYTHON = '/usr/bin/python3'
const DOMAIN = 'keygen.example'

const MESSAGE = [
  `From: Alice <alice@${DOMAIN}>`,
  'To: bob@example.net',
  'Subject: signed with a keygen key',
  'Date: Mon, 07 Dec 2026 10:00:00 +0000',
  `Message-ID: <keygen-test@${DOMAIN}>`,
  '',
  'Hello Bob,',
  '',
  'this message was signed by dkimpy with a key Mailwarden made.',
  '',
].join('\r\n')

const SIGN = `
import sys, dkim
key_file, selector, domain, alg = sys.argv[1:5]
message = sys.stdin.buffer.read()
with open(key_file, "rb") as f:
    key = f.read().strip()
try:
    sig = dkim.sign(message, selector.encode(), domain.encode(), key,
                    canonicalize=(b"relaxed", b"relaxed"), signature_algorithm=alg.encode())
except Exception as e:
    sys.stderr.write("%s: %s" % (type(e).__name__, e))
    sys.exit(3)
sys.stdout.buffer.write(sig + message)
`

async function dkimpySign(keyFile: string, selector: string, alg: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', SIGN, keyFile, selector, DOMAIN, alg], { timeout: 20_000 })
    let out = ''
    let err = ''
    child.stdout.setEncoding('latin1').on('data', (d) => {
      out += d
    })
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d
    })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`dkimpy: ${err}`))))
    child.stdin.end(Buffer.from(MESSAGE, 'latin1'))
  })
}

let dir: string
let result: KeygenResult

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-keygen-signers-'))
  result = await runKeygen({
    domain: DOMAIN,
    selector: 's20261207',
    type: 'rsa-2048+ed25519',
    out: 'dkim.private',
    cwd: dir,
  })
}, 30_000)
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const verifyBoth = (signed: string) => verifyWithRecords(signed, result.records)

describe('keys from dkim keygen, used by real signers', () => {
  it('dkimpy signs rsa-sha256 with the RSA file; Mailwarden and mailauth verify it with the printed record', async () => {
    const [rsa] = result.files
    expect(rsa?.algorithm).toBe('rsa')
    const signed = await dkimpySign(rsa?.path ?? '', 's20261207', 'rsa-sha256')
    const { ours, theirs } = await verifyBoth(signed)
    expect(ours.signatures.map((s) => [s.selector, s.algorithm, s.result])).toEqual([
      ['s20261207', 'rsa-sha256', 'pass'],
    ])
    expect(ours.alignedPass).toBe(true)
    expect(theirs).toEqual(['pass'])
  })

  it('dkimpy refuses the ed25519 PEM (so the advice keygen-ed25519-format must stay)', async () => {
    const ed = result.files[1]
    await expect(dkimpySign(ed?.path ?? '', 's20261207-ed', 'ed25519-sha256')).rejects.toThrow(
      /KeyFormatError/,
    )
  })

  it('dkimpy signs ed25519-sha256 with the seed the advice says to make; both verifiers pass it', async () => {
    const advice = result.advice.find((a) => a.id === 'keygen-ed25519-format')
    const command = advice?.fix.match(/`([^`]+)`/)?.[1]
    expect(command).toContain('openssl pkey -in')
    await run('/bin/sh', ['-c', command ?? 'false'], { timeout: 10_000 })
    const seedFile = `${result.files[1]?.path}.seed`
    expect((await stat(seedFile)).mode & 0o777).toBe(0o600)
    expect(Buffer.from((await readFile(seedFile, 'utf8')).trim(), 'base64')).toHaveLength(32)
    const signed = await dkimpySign(seedFile, 's20261207-ed', 'ed25519-sha256')
    const { ours, theirs } = await verifyBoth(signed)
    expect(ours.signatures.map((s) => [s.selector, s.algorithm, s.result])).toEqual([
      ['s20261207-ed', 'ed25519-sha256', 'pass'],
    ])
    expect(theirs).toEqual(['pass'])
  })

  it('a signature does not verify against the other key (the records are not interchangeable)', async () => {
    const signed = await dkimpySign(result.files[0]?.path ?? '', 's20261207-ed', 'rsa-sha256')
    const { ours } = await verifyBoth(signed)
    expect(ours.signatures[0]?.result).not.toBe('pass')
  })

  it('writes the same key form as opendkim-genkey: PKCS#8 PEM, mode 0600, p= a DER SubjectPublicKeyInfo', async () => {
    const genDir = path.join(dir, 'opendkim')
    await run('mkdir', ['-p', genDir])
    await run('/usr/sbin/opendkim-genkey', ['-b', '2048', '-d', DOMAIN, '-s', 'og', '-D', genDir], {
      timeout: 30_000,
    })
    const theirs = await readFile(path.join(genDir, 'og.private'), 'utf8')
    const ours = await readFile(result.files[0]?.path ?? '', 'utf8')
    const header = (pem: string) => pem.split('\n')[0]
    expect(header(ours)).toBe(header(theirs))
    expect(header(ours)).toBe('-----BEGIN PRIVATE KEY-----')
    expect((await stat(path.join(genDir, 'og.private'))).mode & 0o777).toBe(0o600)
    // Their record: "p=..." split over quoted strings; the key is the same kind and size as ours.
    const txt = await readFile(path.join(genDir, 'og.txt'), 'utf8')
    const theirP = [...txt.matchAll(/"([^"]*)"/g)]
      .map((m) => m[1])
      .join('')
      .match(/p=([A-Za-z0-9+/=]+)/)?.[1]
    const ourP = result.records[0]?.value.match(/p=([A-Za-z0-9+/=]+)/)?.[1]
    expect(Buffer.from(theirP ?? '', 'base64').subarray(0, 24)).toEqual(
      Buffer.from(ourP ?? '', 'base64').subarray(0, 24),
    )
  })
})
