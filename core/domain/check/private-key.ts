// The signer's private key given with --private-key: read with a size bound, parsed (PEM or DER,
// PKCS#1 or PKCS#8), and reduced to its public half, which is all the check compares.
import { createPrivateKey, createPublicKey } from 'node:crypto'
import fs from 'node:fs/promises'
import type { PrivateKeyToMatch } from './dkim-records.js'
import { MAX_PRIVATE_KEY_FILE_BYTES } from './limits.js'

export class PrivateKeyError extends Error {}

export async function readPrivateKey(file: string): Promise<PrivateKeyToMatch> {
  let data: Buffer
  try {
    const handle = await fs.open(file, 'r')
    try {
      const { size } = await handle.stat()
      if (size > MAX_PRIVATE_KEY_FILE_BYTES)
        throw new PrivateKeyError(
          `${file} is ${size} bytes; a private key file is under ${MAX_PRIVATE_KEY_FILE_BYTES} bytes.`,
        )
      const buffer = Buffer.alloc(MAX_PRIVATE_KEY_FILE_BYTES + 1)
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
      if (bytesRead > MAX_PRIVATE_KEY_FILE_BYTES)
        throw new PrivateKeyError(
          `${file} is larger than ${MAX_PRIVATE_KEY_FILE_BYTES} bytes; it is not a private key file.`,
        )
      data = buffer.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  } catch (error) {
    if (error instanceof PrivateKeyError) throw error
    throw new PrivateKeyError(
      `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
    )
  }
  const text = data.toString('latin1')
  try {
    const key = text.includes('-----BEGIN')
      ? createPrivateKey({ key: text, format: 'pem' })
      : createPrivateKey({ key: data, format: 'der', type: 'pkcs8' })
    return { file, publicKey: createPublicKey(key) }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (/passphrase|encrypted/i.test(message) || text.includes('ENCRYPTED'))
      throw new PrivateKeyError(
        `${file} is encrypted; give the key without a passphrase (openssl pkey -in ${file} -out plain.key).`,
      )
    throw new PrivateKeyError(`${file} is not a private key in PEM or DER (${message}).`)
  }
}
