// The TLS-RPT check of a mail domain (RFC 8460): one _smtp._tls TXT record "v=TLSRPTv1; rua=..."
// naming where senders report TLS failures (mailto: or https: URIs, comma-separated).
import type { TlsRptFacts } from '../../../shared/contract/domain-checks.js'
import { type DomainFinding, domainFinding } from '../../../shared/knowledge/domain-findings.js'
import { DnsError, type Resolver } from '../../dns/resolver.js'
import { TLSRPT_MAX_RUA } from '../limits.js'

export interface TlsRptCheck {
  facts: TlsRptFacts
  findings: DomainFinding[]
}

/** Parses one record (RFC 8460 3); returns its report URIs. */
export function parseTlsRptRecord(text: string): { ok: true; rua: string[] } | { ok: false; reason: string } {
  const fields = text.split(/[ \t]*;[ \t]*/).filter((f) => f !== '')
  if (fields[0] !== 'v=TLSRPTv1') return { ok: false, reason: 'it does not start with v=TLSRPTv1' }
  let rua: string[] | null = null
  for (const field of fields.slice(1)) {
    const eq = field.indexOf('=')
    if (eq <= 0) return { ok: false, reason: `"${field}" is not a key=value field` }
    if (field.slice(0, eq) !== 'rua') continue // extension fields are ignored
    if (rua !== null) return { ok: false, reason: 'rua appears twice' }
    rua = field
      .slice(eq + 1)
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u !== '')
  }
  if (rua === null || rua.length === 0) return { ok: false, reason: 'it has no rua= report address' }
  const bad = rua.find((u) => !/^mailto:[^@\s]+@[^@\s]+$/i.test(u) && !/^https:\/\/[^\s]+$/i.test(u))
  if (bad !== undefined) return { ok: false, reason: `"${bad}" is not a mailto: or https: URI` }
  return { ok: true, rua: rua.slice(0, TLSRPT_MAX_RUA) }
}

export async function checkTlsRpt(domain: string, options: { resolver: Resolver }): Promise<TlsRptCheck> {
  const name = `_smtp._tls.${domain}`
  const facts: TlsRptFacts = { domain, record: null, rua: [] }
  let records: string[]
  try {
    records = (await options.resolver.txt(name)).filter((t) => t.startsWith('v=TLSRPTv1'))
  } catch (error) {
    if (error instanceof DnsError && (error.kind === 'not-found' || error.kind === 'no-data')) records = []
    else
      return {
        facts,
        findings: [
          domainFinding('domain-dns-failed', {
            name,
            reason: error instanceof Error ? error.message : String(error),
          }),
        ],
      }
  }
  if (records.length === 0) return { facts, findings: [domainFinding('tlsrpt-absent', { domain })] }
  if (records.length > 1)
    return { facts, findings: [domainFinding('tlsrpt-multiple', { domain, count: records.length })] }
  const record = records[0] as string
  const parsed = parseTlsRptRecord(record)
  if (!parsed.ok)
    return { facts, findings: [domainFinding('tlsrpt-invalid', { domain, reason: parsed.reason })] }
  facts.record = record
  facts.rua = parsed.rua
  return { facts, findings: [domainFinding('tlsrpt-present', { rua: parsed.rua.join(', ') })] }
}
