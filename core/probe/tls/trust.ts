// What the probe trusts: the operating system's trust store (core/net/trust-store.ts) plus an
// extra CA file (a company or lab CA), and a description of that for the report. `readCaFile` is
// also the check the settings run when the extra CA file is set, so a file that is missing or holds
// no certificate is refused there, not at the next probe.
import type { X509Certificate } from 'node:crypto'
import { open } from 'node:fs/promises'
import { parsePemBundle } from '../../net/certificate.js'
import { type SystemTrustStore, systemTrustStore, type TrustStoreOptions } from '../../net/trust-store.js'

/** A CA bundle is kilobytes (Mozilla's whole store is ~220 KB); a bigger file is not one. */
export const MAX_CA_FILE_BYTES = 1024 * 1024

export interface TrustAnchors {
  anchors: X509Certificate[]
  /** "the system trust store (/etc/ssl/certs/ca-certificates.crt, 144 CAs) + /path/ca.pem (1)". */
  description: string
  /** The extra file's PEM text (discovery's HTTPS fetches trust it too). */
  extraPem: string | null
  /** Every anchor as PEM, for the `ca` option of a TLS connection that Node verifies (logins). */
  caPems: string[]
  /** Which system store was used, and why not the OS's when it was not. */
  store: Pick<SystemTrustStore, 'kind' | 'location' | 'description' | 'note'> & { certificates: number }
}

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

export async function loadTrust(
  caFile: string | null,
  storeOptions?: TrustStoreOptions,
): Promise<TrustAnchors> {
  const system = await systemTrustStore(storeOptions)
  const store = {
    kind: system.kind,
    location: system.location,
    description: system.description,
    note: system.note,
    certificates: system.anchors.length,
  }
  if (!caFile)
    return {
      anchors: system.anchors,
      description: system.description,
      extraPem: null,
      caPems: system.pems,
      store,
    }
  const extra = await readCaFile(caFile)
  return {
    anchors: [...system.anchors, ...extra.certificates],
    description: `${system.description} + ${caFile} (${extra.certificates.length})`,
    extraPem: extra.pem,
    caPems: [...system.pems, extra.pem],
    store,
  }
}
