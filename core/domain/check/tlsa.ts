// TLSA records (RFC 6698 2.1, RFC 7671): parsing the RDATA of an answer, computing a certificate's
// "certificate association data" for a selector and matching type, and comparing the two.
import { createHash, createPublicKey, X509Certificate } from 'node:crypto'

export const TLSA_USAGE = { pkixTa: 0, pkixEe: 1, daneTa: 2, daneEe: 3 } as const
export const TLSA_SELECTOR = { cert: 0, spki: 1 } as const
export const TLSA_MATCHING = { full: 0, sha256: 1, sha512: 2 } as const

/** A digest-free "full" association is the whole certificate or key: cap what we keep and compare. */
export const MAX_TLSA_DATA_BYTES = 16 * 1024

export interface TlsaRecord {
  usage: number
  selector: number
  matchingType: number
  data: Buffer
}

/** "3 1 1 ab12…": the presentation form, for reports. */
export function formatTlsa(r: TlsaRecord): string {
  return `${r.usage} ${r.selector} ${r.matchingType} ${r.data.toString('hex')}`
}

/** RDATA of a TLSA RR: usage, selector, matching type (one octet each), then the data. */
export function parseTlsaRdata(rdata: Buffer): TlsaRecord {
  if (rdata.length < 4) throw new Error(`TLSA record too short (${rdata.length} bytes)`)
  if (rdata.length - 3 > MAX_TLSA_DATA_BYTES)
    throw new Error(`TLSA record too long (${rdata.length} bytes; at most ${MAX_TLSA_DATA_BYTES + 3})`)
  const record = {
    usage: rdata[0] ?? 0,
    selector: rdata[1] ?? 0,
    matchingType: rdata[2] ?? 0,
    data: rdata.subarray(3),
  }
  // A digest of the wrong length can never match; RFC 7671 5.2 says treat it as unusable.
  const want = record.matchingType === 1 ? 32 : record.matchingType === 2 ? 64 : undefined
  if (want !== undefined && record.data.length !== want)
    throw new Error(
      `TLSA ${record.matchingType === 1 ? 'SHA-256' : 'SHA-512'} data is ${record.data.length} bytes, not ${want}`,
    )
  return record
}

/** The TLSA presentation form "U S M HEX" (as in a zone file or `openssl s_client -dane_tlsa_rrdata`). */
export function parseTlsaText(text: string): TlsaRecord {
  const m = /^\s*(\d{1,3})\s+(\d{1,3})\s+(\d{1,3})\s+([0-9a-fA-F\s]+)$/.exec(text)
  if (!m) throw new Error(`not a TLSA record "usage selector matching hex": ${text.slice(0, 80)}`)
  const hex = (m[4] ?? '').replace(/\s+/g, '')
  if (hex.length % 2 !== 0) throw new Error('TLSA data has an odd number of hex digits')
  const bytes = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (bytes.some((b) => b > 255)) throw new Error('TLSA usage, selector and matching type are one octet each')
  return parseTlsaRdata(Buffer.concat([Buffer.from(bytes), Buffer.from(hex, 'hex')]))
}

/** True when the selector and matching type are ones RFC 6698 defines (others: record unusable). */
export function knownParameters(r: Pick<TlsaRecord, 'selector' | 'matchingType'>): boolean {
  return (r.selector === 0 || r.selector === 1) && r.matchingType >= 0 && r.matchingType <= 2
}

/** The bytes a TLSA record with this selector and matching type holds for the certificate `der`. */
export function associationData(der: Buffer, selector: number, matchingType: number): Buffer {
  let selected: Buffer
  if (selector === TLSA_SELECTOR.cert) selected = der
  else if (selector === TLSA_SELECTOR.spki)
    selected = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' })
  else throw new Error(`unknown TLSA selector ${selector}`)
  if (matchingType === TLSA_MATCHING.full) return selected
  if (matchingType === TLSA_MATCHING.sha256) return createHash('sha256').update(selected).digest()
  if (matchingType === TLSA_MATCHING.sha512) return createHash('sha512').update(selected).digest()
  throw new Error(`unknown TLSA matching type ${matchingType}`)
}

/** Does this record describe the certificate `der` (DER)? Unknown parameters never match. */
export function tlsaMatchesCert(record: TlsaRecord, der: Buffer): boolean {
  if (!knownParameters(record)) return false
  return associationData(der, record.selector, record.matchingType).equals(record.data)
}

/**
 * For a DANE-TA record that holds a whole public key ("2 1 0"), the position in `chain` (leaf first)
 * of the certificate that key signed, nearest the top; -1 if none. RFC 7672 3.1.2 lets such an
 * anchor stay out of the chain the server sends, since the record itself carries the key.
 */
export function bareKeySigned(record: TlsaRecord, chain: readonly X509Certificate[]): number {
  if (record.usage !== TLSA_USAGE.daneTa || record.selector !== TLSA_SELECTOR.spki) return -1
  if (record.matchingType !== TLSA_MATCHING.full) return -1
  let key: ReturnType<typeof createPublicKey>
  try {
    key = createPublicKey({ key: record.data, format: 'der', type: 'spki' })
  } catch {
    return -1
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    try {
      if (chain[i]?.verify(key)) return i
    } catch {
      // A key of another algorithm than the certificate's signature: not its signer.
    }
  }
  return -1
}

/** The presentation form for a sentence: whole keys and certificates ("x y 0") shortened. */
export function briefTlsa(r: TlsaRecord): string {
  if (r.matchingType !== TLSA_MATCHING.full || r.data.length <= 64) return formatTlsa(r)
  return `${r.usage} ${r.selector} 0 ${r.data.subarray(0, 16).toString('hex')}… (${r.data.length} bytes in full)`
}
