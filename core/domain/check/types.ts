// What `domain check` returns: one section per phase (DKIM keys, the DomainKeys policy, SPF,
// DMARC, MX with MTA-STS and TLS-RPT, DANE), each with its facts and findings, then every finding
// and the ordered first steps.
import type { Finding as AnyFinding } from '../../../shared/contract/mail.js'
import type { DomainCheckFinding } from '../../../shared/knowledge/domain-check-findings.js'
import type { DaneReport } from './dane.js'
import type { MxCheck } from './mx-types.js'

export type Finding = DomainCheckFinding

export interface DkimKeyFacts {
  keyType: string
  bits: number
  testing: boolean
  strictIdentity: boolean
  hashes: string[] | null
  /** With --private-key: whether the published key is its public half. */
  matchesPrivateKey?: boolean
}

export interface DkimSelectorResult {
  selector: string
  name: string
  /** Who uses this selector by default ("Google Workspace"), or null when the user named it. */
  source: string | null
  status: 'key' | 'revoked' | 'unusable' | 'absent' | 'failed'
  records: string[]
  key: DkimKeyFacts | null
  findings: Finding[]
}

export interface DkimCheck {
  /** How many selectors were asked (the common list, or the user's). */
  selectorsTried: number
  /** Only the selectors that have a record, and every selector the user named. */
  selectors: DkimSelectorResult[]
  findings: Finding[]
}

export interface DomainKeysPolicyCheck {
  record: string | null
  adspRecord: string | null
  findings: Finding[]
}

export interface SpfLookup {
  /** The term that caused it ("include:_spf.example.com", "mx", "redirect=…"), with its domain. */
  term: string
  domain: string
  void: boolean
}

export interface SpfCheck {
  record: string | null
  /** Terms that count against the limit of 10, in evaluation order, through includes and redirects. */
  lookups: SpfLookup[]
  voidLookups: number
  /** The all term that ends the top record ("-all"), or null. */
  all: string | null
  /**
   * What receivers conclude (RFC 7208 2.6) for mail from a server the record does not list:
   * the error when the record is broken, else what its all (or no all) says.
   */
  unlistedResult: SpfResult
  findings: Finding[]
}

export type SpfResult = 'none' | 'neutral' | 'pass' | 'fail' | 'softfail' | 'temperror' | 'permerror'

export type DmarcTags = Record<string, string>

export interface DmarcCheck {
  /** The name whose record applies (_dmarc.DOMAIN or an organizational domain's), or null. */
  recordName: string | null
  record: string | null
  tags: DmarcTags | null
  /** True when the record is not the domain's own but found by the tree walk. */
  inherited: boolean
  organizationalDomain: string | null
  /** The names the tree walk asked, in order (at most 8). */
  queried: string[]
  findings: Finding[]
}

export interface DomainCheckReport {
  domain: string
  resolver: string
  dkim: DkimCheck
  domainKeysPolicy: DomainKeysPolicyCheck
  spf: SpfCheck
  dmarc: DmarcCheck
  /** How the domain receives mail (mx.ts); null only when the user skipped it (--no-mx). */
  mx: MxCheck | null
  /**
   * DANE of the MX hosts (dane.ts) through `daneResolver`; null when not run: skipped (--no-mx), no
   * MX host to check (null MX, none, lookup failed), or no resolver address known (see `notes`).
   */
  dane: DaneReport | null
  /** The "IP:PORT" DANE asked (--dns, else the first nameserver of /etc/resolv.conf); null: none. */
  daneResolver: string | null
  /** Every finding of every phase, most serious first (ids from the phases' tables). */
  findings: AnyFinding[]
  /** What was not checked and why (phases skipped, a resolver not found). */
  notes: string[]
  /** What to change first, in order (see FIRST_STEPS). */
  firstSteps: string[]
  /** bad when any finding is bad, warn when any is a warning, else good. */
  verdict: 'good' | 'warn' | 'bad'
}
