// The DMARC check (RFC 9989): the record that applies to the domain (its own at _dmarc.DOMAIN, else
// the one the tree walk finds), its syntax and tags, p=none explained, removed tags, and report
// addresses in another domain checked for their authorization record
// (DOMAIN._report._dmarc.OTHER, RFC 9989 external destination verification).
import { domainCheckFinding } from '../../../shared/knowledge/domain-check-findings.js'
import { isDmarcRecord, policyRank, REMOVED_TAGS, reportUris } from '../../dmarc/record.js'
import { applicableRecord, organizationalDomain, treeWalk, type WalkEntry } from '../../dmarc/tree-walk.js'
import type { Resolver } from '../../dns/resolver.js'
import { lookupTxt } from '../../dns/txt.js'
import { DMARC_MAX_REPORT_URIS } from './limits.js'
import { shown } from './shown.js'
import type { DmarcCheck, Finding } from './types.js'

function inOrganization(host: string, org: string): boolean {
  return host === org || host.endsWith(`.${org}`)
}

/** Report addresses: valid URIs, and those in another organization authorized by it. */
async function checkReportAddresses(
  entry: WalkEntry,
  org: string,
  resolver: Resolver,
  findings: Finding[],
): Promise<void> {
  const uris = [
    ...reportUris(entry.tags.rua).map((u) => ({ ...u, tag: 'rua' })),
    ...reportUris(entry.tags.ruf).map((u) => ({ ...u, tag: 'ruf' })),
  ].slice(0, DMARC_MAX_REPORT_URIS)
  for (const { uri, address, tag } of uris) {
    if (address === null) {
      findings.push(domainCheckFinding('dmarc-uri-invalid', { tag, uri: shown(uri, 200) }))
      continue
    }
    const reportDomain = address.slice(address.lastIndexOf('@') + 1)
    if (inOrganization(reportDomain, org)) continue
    const authName = `${entry.domain}._report._dmarc.${reportDomain}`
    const answer = await lookupTxt(resolver, authName)
    if (answer.status === 'failed') {
      findings.push(domainCheckFinding('check-dns-failed', { name: authName, reason: answer.reason }))
      continue
    }
    const authorized = answer.status === 'found' && answer.records.some(isDmarcRecord)
    const vars = { tag, uri, reportDomain, authName, domain: entry.domain }
    findings.push(
      domainCheckFinding(authorized ? 'dmarc-report-authorized' : 'dmarc-report-unauthorized', vars),
    )
  }
}

/** The findings about one record's tags, for `domain` (whose policy it is, own or inherited). */
function judgeTags(entry: WalkEntry, domain: string, findings: Finding[]): void {
  const { tags } = entry
  const vars = { domain, recordDomain: entry.domain }
  for (const bad of entry.invalid) findings.push(domainCheckFinding('dmarc-tag-invalid', bad))
  if (tags.p === undefined) findings.push(domainCheckFinding('dmarc-policy-missing', vars))
  else if (tags.p === 'none') findings.push(domainCheckFinding('dmarc-policy-none', vars))
  const p = tags.p ?? 'none'
  for (const [tag, what] of [
    ['sp', 'subdomains'],
    ['np', 'subdomains that do not exist'],
  ] as const) {
    const value = tags[tag]
    // np= falls back to sp=, then p= (RFC 9989 4.7): it is weaker only than what would apply without it.
    const against = tag === 'np' && tags.sp !== undefined ? `sp=${tags.sp}` : `p=${p}`
    if (value !== undefined && policyRank(value) < policyRank(against.slice(against.indexOf('=') + 1)))
      findings.push(domainCheckFinding('dmarc-subdomain-weaker', { tag, value, against, what }))
  }
  if (tags.t === 'y') findings.push(domainCheckFinding('dmarc-testing', vars))
  if (tags.psd === 'y') findings.push(domainCheckFinding('dmarc-psd-yes', vars))
  const strict = (['adkim', 'aspf'] as const).filter((t) => tags[t] === 's')
  if (strict.length > 0)
    findings.push(
      domainCheckFinding('dmarc-strict-alignment', { ...vars, tags: strict.map((t) => `${t}=s`).join(', ') }),
    )
  for (const [tag, removed] of Object.entries(REMOVED_TAGS)) {
    if (tags[tag] === undefined) continue
    const extra =
      tag === 'pct' && tags.pct !== '100'
        ? `, so pct=${tags.pct} no longer softens the policy: p=${p} applies to all failing mail`
        : ''
    findings.push(
      domainCheckFinding('dmarc-removed-tag', { tag, what: removed.what, extra, fix: removed.fix }),
    )
  }
  if (!tags.rua) findings.push(domainCheckFinding('dmarc-no-rua', vars))
  if (tags.ruf)
    findings.push(
      domainCheckFinding('dmarc-failure-reports', {
        fo: tags.fo ? `; fo=${tags.fo} says which failures to report` : '',
      }),
    )
}

export async function checkDmarc(domain: string, options: { resolver: Resolver }): Promise<DmarcCheck> {
  const walk = await treeWalk(domain, options.resolver)
  const findings: Finding[] = []
  const ownName = `_dmarc.${domain}`
  const result: DmarcCheck = {
    recordName: null,
    record: null,
    tags: null,
    inherited: false,
    organizationalDomain: null,
    queried: walk.queried,
    findings,
  }
  if (walk.own.status === 'multiple')
    findings.push(domainCheckFinding('dmarc-multiple', { name: ownName, count: walk.own.count }))
  if (walk.own.status === 'malformed')
    findings.push(
      domainCheckFinding('dmarc-syntax', {
        name: ownName,
        domain,
        reason: `"${shown(walk.own.record, 200)}": ${walk.own.reason}`,
      }),
    )
  if (walk.failure) findings.push(domainCheckFinding('check-dns-failed', walk.failure))
  // A walk that failed after the domain's own record still gives that record (RFC 9989 4.10.1).
  const entry = walk.failure && walk.found[0]?.domain !== domain ? null : applicableRecord(domain, walk.found)
  if (!walk.failure) result.organizationalDomain = organizationalDomain(domain, walk.found)
  if (!entry) {
    if (!walk.failure && walk.own.status === 'none')
      findings.push(domainCheckFinding('dmarc-absent', { domain }))
    return result
  }
  result.recordName = `_dmarc.${entry.domain}`
  result.record = entry.record
  result.tags = entry.tags
  result.inherited = entry.domain !== domain
  findings.push(
    domainCheckFinding('dmarc-present', {
      policy: `p=${entry.tags.p ?? '(none given)'}`,
      name: result.recordName,
      record: shown(entry.record, 300),
    }),
  )
  if (result.inherited)
    findings.push(domainCheckFinding('dmarc-inherited', { domain, recordDomain: entry.domain }))
  judgeTags(entry, domain, findings)
  await checkReportAddresses(entry, result.organizationalDomain ?? entry.domain, options.resolver, findings)
  return result
}
