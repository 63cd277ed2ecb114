import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_PRIVATE_KEY_FILE_BYTES } from './limits.js'
import { PrivateKeyError, readPrivateKey } from './private-key.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-private-key-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
const spki = (k: { export(o: { type: 'spki'; format: 'der' }): Buffer }) =>
  k.export({ type: 'spki', format: 'der' })

async function file(name: string, data: string | Buffer): Promise<string> {
  const p = path.join(dir, name)
  await writeFile(p, data)
  return p
}

describe('--private-key file', () => {
  it('reads PKCS#1 and PKCS#8 PEM and PKCS#8 DER to the same public half', async () => {
    for (const [name, data] of [
      ['pkcs1.pem', privateKey.export({ type: 'pkcs1', format: 'pem' })],
      ['pkcs8.pem', privateKey.export({ type: 'pkcs8', format: 'pem' })],
      ['pkcs8.der', privateKey.export({ type: 'pkcs8', format: 'der' })],
    ] as const) {
      const read = await readPrivateKey(await file(name, data))
      expect(spki(read.publicKey).equals(spki(publicKey))).toBe(true)
    }
  })

  it('refuses an encrypted key, a file that is no key, a missing file and a huge file, each with a sentence', async () => {
    const encrypted = privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'x',
    })
    await expect(readPrivateKey(await file('enc.pem', encrypted))).rejects.toThrow(/encrypted/)
    await expect(readPrivateKey(await file('junk.pem', 'hello'))).rejects.toThrow(/not a private key/)
    await expect(readPrivateKey(path.join(dir, 'missing'))).rejects.toThrow(/ENOENT/)
    const huge = await file('huge', Buffer.alloc(MAX_PRIVATE_KEY_FILE_BYTES + 1))
    await expect(readPrivateKey(huge)).rejects.toBeInstanceOf(PrivateKeyError)
  })
})
