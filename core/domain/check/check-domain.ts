// `domain check`: the administrator's own domain, in four named phases (DKIM key records, the
// historic DomainKeys policy, SPF, DMARC), run in parallel since none needs another's answer; then
// every finding, most serious first, the verdict and the ordered first steps.
import { SEVERITY_RANK } from '../../../shared/contract/mail.js'
import { firstSteps } from '../../../shared/knowledge/domain-check-findings.js'
import type { Resolver } from '../../dns/resolver.js'
import { checkDkimRecords, type PrivateKeyToMatch } from './dkim-records.js'
import { checkDmarc } from './dmarc.js'
import { checkDomainKeysPolicy } from './domainkeys-policy.js'
import { checkSpf } from './spf.js'
import type { DomainCheckReport, Finding } from './types.js'

export interface CheckDomainOptions {
  resolver: Resolver
  selectors?: readonly string[]
  privateKey?: PrivateKeyToMatch
}

export const PHASES = ['dkim', 'domainKeysPolicy', 'spf', 'dmarc'] as const

export function verdictOf(findings: readonly Finding[]): DomainCheckReport['verdict'] {
  if (findings.some((f) => f.severity === 'bad')) return 'bad'
  if (findings.some((f) => f.severity === 'warn')) return 'warn'
  return 'good'
}

/** A domain as given, made the form DNS names are compared in (lower case, no final dot). */
export function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '')
}

export async function checkDomain(
  domainInput: string,
  options: CheckDomainOptions,
): Promise<DomainCheckReport> {
  const domain = normalizeDomain(domainInput)
  const { resolver } = options
  const [dkim, domainKeysPolicy, spf, dmarc] = await Promise.all([
    checkDkimRecords(domain, { resolver, selectors: options.selectors, privateKey: options.privateKey }),
    checkDomainKeysPolicy(domain, { resolver }),
    checkSpf(domain, { resolver }),
    checkDmarc(domain, { resolver }),
  ])
  const findings = [...dkim.findings, ...domainKeysPolicy.findings, ...spf.findings, ...dmarc.findings].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  )
  return {
    domain,
    resolver: resolver.description,
    dkim,
    domainKeysPolicy,
    spf,
    dmarc,
    findings,
    firstSteps: firstSteps(new Set(findings.map((f) => f.id))),
    verdict: verdictOf(findings),
  }
}
