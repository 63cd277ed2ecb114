// One server chain against a host's usable TLSA records (RFC 7672 3.1): DANE-EE (3) against the
// leaf, with no name or date check (3.1.1); DANE-TA (2) against a certificate the server sent in its
// chain, or for "2 1 0" a key that signed one of them (3.1.2), after which the chain must verify to
// it and the leaf must name one of the reference identifiers (3.2.2, 3.2.3).
import type { X509Certificate } from 'node:crypto'
import { type DaneFinding, daneFinding } from '../../../shared/knowledge/dane-findings.js'
import { checkHostname, verifyChain } from '../../net/certificate.js'
import { bareKeySigned, briefTlsa, type TlsaRecord, tlsaMatchesCert } from './tlsa.js'

/** How a chain was authenticated: DANE-EE, DANE-TA, or not at all. */
export type DaneAuth = 'dane-ee' | 'dane-ta' | null

export interface ChainVerdict {
  finding: DaneFinding
  auth: DaneAuth
}

function subject(c: X509Certificate): string {
  return c.subject.replaceAll('\n', ', ')
}

/** The trust anchor a DANE-TA record names in the chain: a certificate sent, or a bare key's signee. */
function anchorOf(ta: TlsaRecord, chain: readonly X509Certificate[]): { at: number; how: string } | null {
  const sent = chain.findIndex((c, i) => i > 0 && tlsaMatchesCert(ta, c.raw))
  if (sent > 0) return { at: sent, how: `the anchor ${subject(chain[sent] as X509Certificate)}` }
  const signed = bareKeySigned(ta, chain)
  if (signed >= 0)
    return {
      at: signed,
      how: `the key in the record, which signed ${subject(chain[signed] as X509Certificate)}`,
    }
  return null
}

/**
 * The verdict of the usable records on the chain the server sent (leaf first). `label` names the
 * server in the texts (the host, or "host at address"); `names` are the reference identifiers a
 * DANE-TA leaf must carry (the TLSA base domain first, then the MX host name, RFC 7672 3.2.3).
 */
export function chainVerdict(
  label: string,
  usable: readonly TlsaRecord[],
  chain: readonly X509Certificate[],
  names: readonly string[] = [label],
): ChainVerdict {
  const leaf = chain[0]
  const all = usable.map(briefTlsa).join(', ')
  const host = label
  const no = (reason: string): ChainVerdict => ({
    finding: daneFinding('dane-mismatch', { host, records: all, reason }),
    auth: null,
  })
  if (!leaf) return no('the server sent no certificate')
  const ee = usable.find((r) => r.usage === 3 && tlsaMatchesCert(r, leaf.raw))
  if (ee) {
    const what = ee.selector === 1 ? 'the public key' : 'the whole certificate'
    const full = ee.matchingType === 0 ? ', given in full' : ''
    return {
      finding: daneFinding('dane-match', {
        host,
        record: briefTlsa(ee),
        how: `DANE-EE: ${what} of the server${full}; names and dates do not matter for usage 3`,
      }),
      auth: 'dane-ee',
    }
  }
  for (const ta of usable.filter((r) => r.usage === 2)) {
    const anchor = anchorOf(ta, chain)
    if (!anchor) continue
    const upTo = chain.slice(0, anchor.at + 1)
    const trust = verifyChain([...upTo], [chain[anchor.at] as X509Certificate])
    if (!trust.trusted) return no(`the chain to ${anchor.how} does not verify: ${trust.problem}`)
    const checks = names.map((n) => checkHostname(n, leaf))
    if (!checks.some((c) => c.matches))
      return {
        finding: daneFinding('dane-ta-name', {
          host,
          record: briefTlsa(ta),
          reason: checks.map((c) => c.explanation).join('; '),
        }),
        auth: null,
      }
    const named = names[checks.findIndex((c) => c.matches)]
    return {
      finding: daneFinding('dane-match', {
        host,
        record: briefTlsa(ta),
        how: `DANE-TA: the chain leads to ${anchor.how} and the certificate names ${named}`,
      }),
      auth: 'dane-ta',
    }
  }
  const taOnly = usable.every((r) => r.usage === 2)
  return no(
    taOnly && chain.length === 1
      ? 'the server sent only its own certificate, and a usage-2 record must match a CA certificate the server sends in its chain (RFC 7672 3.2.2)'
      : `the server's ${chain.length === 1 ? 'certificate' : `chain of ${chain.length} certificates`} (${subject(leaf)}) matches none of them`,
  )
}

/** The verdict's finding alone (the earlier interface). */
export function matchChain(
  host: string,
  usable: readonly TlsaRecord[],
  chain: readonly X509Certificate[],
): DaneFinding {
  return chainVerdict(host, usable, chain).finding
}
