// An extra CA file (a company or lab CA): read and checked the same way wherever it is used or set
// (the probe's trust, saved-account logins, `settings set extraCaFile=`, the Settings page), so a
// file that is missing, too large or holds no certificate is refused with one sentence.
import type { X509Certificate } from 'node:crypto'
import { open } from 'node:fs/promises'
import { parsePemBundle } from './certificate.js'
import { MAX_CA_FILE_BYTES } from './limits.js'

export class CaFileError extends Error {}

/** Reads and checks a CA file: a readable file of at most MAX_CA_FILE_BYTES with at least one PEM
 * certificate, every one of which parses. Throws CaFileError with a sentence for the user. */
export async function readCaFile(caFile: string): Promise<{ pem: string; certificates: X509Certificate[] }> {
  let pem: string
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(caFile, 'r')
    const info = await handle.stat()
    if (!info.isFile()) throw new CaFileError(`The CA file ${caFile} is not a file.`)
    if (info.size > MAX_CA_FILE_BYTES)
      throw new CaFileError(
        `The CA file ${caFile} is larger than ${MAX_CA_FILE_BYTES} bytes; it is not a CA bundle.`,
      )
    pem = await handle.readFile('utf8')
  } catch (error) {
    if (error instanceof CaFileError) throw error
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'it may not be read'
          : code === 'EISDIR'
            ? 'it is a folder'
            : `${code ?? String(error)}`
    throw new CaFileError(`The CA file ${caFile} cannot be read: ${why}. Give the path of a PEM file.`)
  } finally {
    await handle?.close()
  }
  try {
    return { pem, certificates: parsePemBundle(pem) }
  } catch (error) {
    throw new CaFileError(
      `The CA file ${caFile} holds no usable PEM certificate (${error instanceof Error ? error.message : String(error)}).`,
    )
  }
}
