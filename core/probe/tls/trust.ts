// What the probe trusts: the operating system's trust store (core/net/trust-store.ts) plus an
// extra CA file (a company or lab CA, read by core/net/ca-file.ts), and a description of that for
// the report.
import type { X509Certificate } from 'node:crypto'
import { readCaFile } from '../../net/ca-file.js'
import { type SystemTrustStore, systemTrustStore, type TrustStoreOptions } from '../../net/trust-store.js'

export { CaFileError, readCaFile } from '../../net/ca-file.js'
export { MAX_CA_FILE_BYTES } from '../../net/limits.js'

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
