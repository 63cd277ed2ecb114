// The MTA-STS check of a mail domain (RFC 8461): the _mta-sts TXT record, then the policy over
// HTTPS (certificate verified, no redirects followed, size capped), then whether every MX host is
// covered by the policy's mx patterns. Facts as found, findings from the shared table.
import type { MtaStsFacts } from '../../../shared/contract/domain-checks.js'
import { type DomainFinding, domainFinding } from '../../../shared/knowledge/domain-findings.js'
import { DnsError, type Resolver } from '../../dns/resolver.js'
import { HttpFetchError, httpFetch } from '../../net/http-fetch.js'
import { DOMAIN_CHECK_TIMEOUT_MS, MTA_STS_POLICY_MAX_BYTES } from '../limits.js'
import {
  MTA_STS_SHORT_MAX_AGE,
  matchingPattern,
  parseMtaStsPolicy,
  parseMtaStsRecord,
} from './mta-sts-policy.js'

export interface DomainCheckOptions {
  resolver: Resolver
  signal?: AbortSignal
  timeoutMs?: number
  /** PEM text of extra CAs trusted for the policy fetch (a company or lab CA). */
  extraCa?: string | null
}

export interface MtaStsCheck {
  facts: MtaStsFacts
  findings: DomainFinding[]
}

export function mtaStsPolicyUrl(domain: string): string {
  return `https://mta-sts.${domain}/.well-known/mta-sts.txt`
}

function empty(error: unknown): boolean {
  return error instanceof DnsError && (error.kind === 'not-found' || error.kind === 'no-data')
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Checks MTA-STS for `domain`. `mxHosts`: the MX hosts already found by discovery (asked from DNS
 * when absent), to tell whether the policy covers each.
 */
export async function checkMtaSts(
  domain: string,
  options: DomainCheckOptions & { mxHosts?: readonly string[] },
): Promise<MtaStsCheck> {
  const { resolver } = options
  const name = `_mta-sts.${domain}`
  const policyUrl = mtaStsPolicyUrl(domain)
  const findings: DomainFinding[] = []
  const facts: MtaStsFacts = {
    domain,
    record: null,
    id: null,
    policyUrl,
    fetched: null,
    policy: null,
    mxHosts: [],
  }

  let records: string[]
  try {
    records = (await resolver.txt(name)).filter((t) => t.startsWith('v=STSv1'))
  } catch (error) {
    if (!empty(error)) {
      findings.push(domainFinding('domain-dns-failed', { name, reason: reason(error) }))
      return { facts, findings }
    }
    records = []
  }
  if (records.length === 0) {
    findings.push(domainFinding('mta-sts-absent', { domain }))
    return { facts, findings }
  }
  if (records.length > 1)
    findings.push(domainFinding('mta-sts-record-multiple', { domain, count: records.length }))
  else {
    const parsed = parseMtaStsRecord(records[0] as string)
    if (parsed.ok) {
      facts.record = records[0] as string
      facts.id = parsed.value.id
    } else findings.push(domainFinding('mta-sts-record-invalid', { domain, reason: parsed.reason }))
  }

  // Fetched even when the record is flawed: the administrator wants to know about both.
  const [fetched, mxHosts] = await Promise.all([
    httpFetch(policyUrl, {
      resolver,
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? DOMAIN_CHECK_TIMEOUT_MS,
      extraCa: options.extraCa ?? null,
      maxBytes: MTA_STS_POLICY_MAX_BYTES,
      maxRedirects: 0,
    }).catch((error: unknown) => error),
    options.mxHosts
      ? Promise.resolve([...options.mxHosts])
      : resolver.mx(domain).then(
          (mx) => mx.map((m) => m.exchange).filter((h) => h !== '' && h !== '.'),
          (error: unknown) => {
            if (!empty(error))
              findings.push(domainFinding('domain-dns-failed', { name: domain, reason: reason(error) }))
            return [] as string[]
          },
        ),
  ])
  if (fetched instanceof HttpFetchError) {
    if (fetched.kind === 'aborted') throw fetched
    findings.push(
      fetched.kind === 'tls'
        ? domainFinding('mta-sts-policy-certificate', { domain, reason: fetched.message })
        : domainFinding('mta-sts-policy-unreachable', { domain, url: policyUrl, reason: fetched.message }),
    )
    return { facts, findings }
  }
  if (fetched instanceof Error) throw fetched
  const answer = fetched as Awaited<ReturnType<typeof httpFetch>>
  facts.fetched = { status: answer.status, contentType: answer.contentType }
  if (answer.status >= 300 && answer.status < 400) {
    findings.push(domainFinding('mta-sts-policy-redirect', { url: policyUrl, status: answer.status }))
    return { facts, findings }
  }
  if (answer.status !== 200) {
    findings.push(domainFinding('mta-sts-policy-status', { url: policyUrl, status: answer.status }))
    return { facts, findings }
  }
  const mediaType = (answer.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (mediaType !== 'text/plain')
    findings.push(domainFinding('mta-sts-policy-type', { contentType: answer.contentType ?? 'none' }))
  const parsed = parseMtaStsPolicy(answer.body)
  if (!parsed.ok) {
    findings.push(domainFinding('mta-sts-policy-invalid', { url: policyUrl, reason: parsed.reason }))
    return { facts, findings }
  }
  const policy = parsed.value
  facts.policy = policy
  facts.mxHosts = mxHosts
    .map((host) => host.toLowerCase().replace(/\.$/, ''))
    .filter((host) => host !== '') // a null MX (RFC 7505) names no host
    .map((host) => ({ host, pattern: matchingPattern(host, policy.mx) }))
  if (policy.mode === 'enforce')
    findings.push(domainFinding('mta-sts-mode-enforce', { domain, maxAge: policy.maxAge }))
  else if (policy.mode === 'testing') findings.push(domainFinding('mta-sts-mode-testing', { domain }))
  else findings.push(domainFinding('mta-sts-mode-none', { domain }))
  if (policy.mode !== 'none') {
    for (const mx of facts.mxHosts)
      if (mx.pattern === null)
        findings.push(domainFinding('mta-sts-mx-mismatch', { mx: mx.host, patterns: policy.mx.join(', ') }))
    if (policy.maxAge < MTA_STS_SHORT_MAX_AGE)
      findings.push(domainFinding('mta-sts-max-age-short', { maxAge: policy.maxAge }))
  }
  return { facts, findings }
}
