// What `domain check` returns: one section per phase (DKIM keys, the DomainKeys policy, SPF,
// DMARC), each with its facts and findings, then every finding and the ordered first steps.
import type { DomainCheckFinding } from '../../../shared/knowledge/domain-check-findings.js'

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
  /** Every finding, most serious first. */
  findings: Finding[]
  /** What to change first, in order (see FIRST_STEPS). */
  firstSteps: string[]
  /** bad when any finding is bad, warn when any is a warning, else good. */
  verdict: 'good' | 'warn' | 'bad'
}
