// What checkMx (mx.ts) returns: the domain's MX records as published, each mail host with what its
// port 25 said (the probe's endpoint report) and whether the MTA-STS policy covers it, the MTA-STS
// and TLS-RPT checks of the probe (core/probe/domain), and the MX findings (mx-findings.ts).
import type { Finding } from '../../../shared/contract/mail.js'
import type { MtaStsCheck } from '../../probe/domain/mta-sts.js'
import type { TlsRptCheck } from '../../probe/domain/tls-rpt.js'
import type { ProbedEndpoint } from '../../probe/endpoint/probe-endpoint.js'

/** One MX record as published; `exchange` lower-cased without the final dot, '' for a null MX. */
export interface MxRecordFact {
  preference: number
  exchange: string
}

/** A host name to deliver to; an IP address or garbage where a name belongs is never probed. */
export type MxTargetKind = 'host' | 'ip-literal' | 'invalid'

/**
 * How the domain receives mail: MX records (`mx`), none so its own address is used (`implicit`,
 * RFC 5321 5.1), the null MX (`null`, RFC 7505), neither MX nor address (`absent`), or the MX
 * lookup failed (`dns-failed`: nothing more was checked).
 */
export type MxKind = 'mx' | 'implicit' | 'null' | 'absent' | 'dns-failed'

export interface MxHostCheck {
  /** The MX's host name (normalised), the domain itself for an implicit MX, or the raw text. */
  name: string
  /** 0 for an implicit MX. */
  preference: number
  implicit: boolean
  target: MxTargetKind
  /** Where the name points when it is an alias (CNAME); null: not an alias, or not checked. */
  cname: string | null
  /** The MTA-STS pattern covering this host, null if none; the whole field null: no valid policy. */
  mtaSts: { pattern: string | null } | null
  /** Port 25 as the probe saw it; null when not probed (see `notProbed`). */
  endpoint: ProbedEndpoint | null
  /** Why the host was not probed: an IP literal, an invalid name, beyond the cap. */
  notProbed: string | null
  /** MX findings about this host (mx-cname, mx-ip-literal...); its port's findings are in `endpoint`. */
  findings: Finding[]
}

export interface MxCheck {
  domain: string
  kind: MxKind
  /** The MX answer sorted by preference (then name); empty for implicit, absent and dns-failed. */
  records: MxRecordFact[]
  /** The mail hosts in the order senders try them. */
  hosts: MxHostCheck[]
  /** null when there is nothing to protect (null MX, no mail server, MX lookup failed). */
  mtaSts: MtaStsCheck | null
  tlsRpt: TlsRptCheck | null
  /** Findings about the domain's MX as a whole (mx-null, mx-implicit, mx-absent, domain-dns-failed). */
  findings: Finding[]
  /** What was left out and why (hosts beyond the cap, a check this resolver cannot make). */
  notes: string[]
}
