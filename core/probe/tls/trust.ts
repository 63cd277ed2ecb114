// What the probe trusts: Node's bundled roots (tls.rootCertificates) plus an extra CA file (a
// company or lab CA), and a description of that for the report.
import type { X509Certificate } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import tls from 'node:tls'
import { parsePemBundle, systemRoots } from '../../net/certificate.js'

/** A CA bundle is kilobytes (Mozilla's whole store is ~200 KB); a bigger file is not one. */
export const MAX_CA_FILE_BYTES = 1024 * 1024

export interface TrustAnchors {
  anchors: X509Certificate[]
  /** "system CAs (146) + /path/ca.pem (1)". */
  description: string
  /** The extra file's PEM text (discovery's HTTPS fetches trust it too). */
  extraPem: string | null
}

export class CaFileError extends Error {}

export async function loadTrust(caFile: string | null): Promise<TrustAnchors> {
  const roots = systemRoots(tls.rootCertificates)
  const system = `system CAs (${roots.length}, as bundled with Node)`
  if (!caFile) return { anchors: roots, description: system, extraPem: null }
  let pem: string
  try {
    const info = await stat(caFile)
    if (!info.isFile()) throw new CaFileError(`The CA file ${caFile} is not a file.`)
    if (info.size > MAX_CA_FILE_BYTES)
      throw new CaFileError(
        `The CA file ${caFile} is larger than ${MAX_CA_FILE_BYTES} bytes; it is not a CA bundle.`,
      )
    pem = await readFile(caFile, 'utf8')
  } catch (error) {
    if (error instanceof CaFileError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new CaFileError(
      `The CA file ${caFile} could not be read (${code ?? String(error)}); check the path.`,
    )
  }
  let extra: X509Certificate[]
  try {
    extra = parsePemBundle(pem)
  } catch (error) {
    throw new CaFileError(
      `The CA file ${caFile} holds no usable PEM certificate (${error instanceof Error ? error.message : String(error)}).`,
    )
  }
  return {
    anchors: [...roots, ...extra],
    description: `${system} + ${caFile} (${extra.length})`,
    extraPem: pem,
  }
}
