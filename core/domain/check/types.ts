// What `domain check` returns: one section per phase (DKIM keys, the DomainKeys policy, SPF,
// DMARC, MX with MTA-STS and TLS-RPT, DANE), each with its facts and findings, then every finding
// and the ordered first steps. The shapes are the contract's (shared/contract/domain-check.ts, zod):
// one spelling, checked where the report crosses to the page; here they are only named for core.
import type { DomainCheckFinding } from '../../../shared/knowledge/domain-check-findings.js'

/** What a phase makes: a finding of the domain-check table (the report holds them as any Finding). */
export type Finding = DomainCheckFinding

export type {
  DkimCheck,
  DkimKeyFacts,
  DkimSelectorResult,
  DmarcCheck,
  DmarcTags,
  DomainCheckReport,
  DomainKeysPolicyCheck,
  SpfCheck,
  SpfLookup,
  SpfResult,
} from '../../../shared/contract/domain-check.js'
