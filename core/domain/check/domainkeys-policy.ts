// The DomainKeys policy record at _domainkey.DOMAIN (RFC 4870 3.6: o=~ "some mail is signed",
// o=- "all mail is signed", t=y testing, r= where to report) and its successor ADSP at
// _adsp._domainkey.DOMAIN (RFC 5617, historic since 2013). Receivers ignore both; the finding says
// what each asks for and which DMARC record says the same today.
import { domainCheckFinding } from '../../../shared/knowledge/domain-check-findings.js'
import type { Resolver } from '../../dns/resolver.js'
import { lookupTxt } from '../../dns/txt.js'
import { shown } from './shown.js'
import type { DomainKeysPolicyCheck, Finding } from './types.js'

/** Loose key=value pairs: these records never had a strict grammar in practice. */
function pairs(record: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of record.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0) out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim())
  }
  return out
}

/** What a DomainKeys policy asks for, in words, and the DMARC record that says the same. */
export function explainDomainKeysPolicy(record: string, domain: string): { meaning: string; dmarc: string } {
  const tags = pairs(record)
  const o = tags.get('o')
  const parts: string[] = []
  let policy = 'none'
  if (o === '~') parts.push('o=~: some mail from the domain is signed, unsigned mail is normal')
  else if (o === '-') {
    parts.push('o=-: all mail from the domain is signed, unsigned mail is suspect')
    policy = 'reject'
  }
  if (tags.get('t')?.toLowerCase() === 'y') parts.push('t=y: the domain is testing')
  const report = tags.get('r')
  if (report) parts.push(`r=${report}: where to send reports`)
  const rua = report
    ? `; rua=mailto:${report.replace(/^mailto:/i, '')}`
    : `; rua=mailto:dmarc-reports@${domain}`
  return {
    meaning: parts.length > 0 ? ` (${parts.join('; ')})` : '',
    dmarc: `"v=DMARC1; p=${policy}${rua}" at _dmarc.${domain}${policy === 'reject' ? ', reached through p=none and p=quarantine' : ''}`,
  }
}

async function oneRecord(resolver: Resolver, name: string, findings: Finding[]): Promise<string | null> {
  const answer = await lookupTxt(resolver, name)
  if (answer.status === 'failed') {
    findings.push(domainCheckFinding('check-dns-failed', { name, reason: answer.reason }))
    return null
  }
  return answer.status === 'found' ? answer.records.join(' | ') : null
}

export async function checkDomainKeysPolicy(
  domain: string,
  options: { resolver: Resolver },
): Promise<DomainKeysPolicyCheck> {
  const findings: Finding[] = []
  const [record, adspRecord] = await Promise.all([
    oneRecord(options.resolver, `_domainkey.${domain}`, findings),
    oneRecord(options.resolver, `_adsp._domainkey.${domain}`, findings),
  ])
  if (record !== null)
    findings.push(
      domainCheckFinding('domainkeys-policy', {
        domain,
        record: shown(record, 200),
        ...explainDomainKeysPolicy(record, domain),
      }),
    )
  if (adspRecord !== null)
    findings.push(domainCheckFinding('adsp-record', { domain, record: shown(adspRecord, 200) }))
  return { record, adspRecord, findings }
}
