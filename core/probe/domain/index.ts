// Domain-level checks of a probed address or domain: MTA-STS and TLS-RPT, in parallel.
import type { DomainCheckFacts } from '../../../shared/contract/domain-checks.js'
import { checkMtaSts, type DomainCheckOptions } from './mta-sts.js'
import { checkTlsRpt } from './tls-rpt.js'

export { checkMtaSts, type DomainCheckOptions, mtaStsPolicyUrl } from './mta-sts.js'
export { checkTlsRpt, parseTlsRptRecord } from './tls-rpt.js'

export async function checkDomain(
  domain: string,
  options: DomainCheckOptions & { mxHosts?: readonly string[] },
): Promise<DomainCheckFacts> {
  const [mtaSts, tlsRpt] = await Promise.all([checkMtaSts(domain, options), checkTlsRpt(domain, options)])
  return { mtaSts, tlsRpt }
}
