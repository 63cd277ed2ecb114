// `domain check`: the administrator's own domain, in six named phases: DKIM key records, the
// historic DomainKeys policy, SPF, DMARC and MX (MX records, port 25, MTA-STS, TLS-RPT) run in
// parallel since none needs another's answer; DANE after MX, over the MX hosts it found. Then every
// finding, most serious first, the verdict and the ordered first steps.
import { type Finding as AnyFinding, SEVERITY_RANK } from '../../../shared/contract/mail.js'
import { firstSteps } from '../../../shared/knowledge/domain-check-steps.js'
import type { Resolver } from '../../dns/resolver.js'
import type { TrustAnchors } from '../../probe/tls/trust.js'
import { checkDane, type DaneReport } from './dane.js'
import { explainPort25WithDane } from './dane-port25.js'
import { checkDkimRecords, type PrivateKeyToMatch } from './dkim-records.js'
import { checkDmarc } from './dmarc.js'
import { checkDomainKeysPolicy } from './domainkeys-policy.js'
import { checkMx, type MxCheck, mxCheckFindings } from './mx.js'
import { checkSpf } from './spf.js'
import type { DomainCheckReport } from './types.js'

/** What the MX and DANE phases need besides the resolver; without it they are skipped (--no-mx). */
export interface MailPhaseOptions {
  /** The probe's trust anchors (loadTrust(caFile)): port 25's certificate and the MTA-STS fetch. */
  trust: TrustAnchors
  /** "IP:PORT" of the resolver DANE asks (it must validate DNSSEC to say anything); null: none known. */
  daneResolver: string | null
  /** Per step: a connection, a reply, a handshake, one DANE DNS question. */
  timeoutMs?: number
  signal?: AbortSignal
}

export interface CheckDomainOptions {
  resolver: Resolver
  selectors?: readonly string[]
  privateKey?: PrivateKeyToMatch
  mail?: MailPhaseOptions
  /** Told when a phase starts: the records and MX together first, DANE after. */
  onPhase?: (phase: 'records' | 'dane') => void
}

export const PHASES = ['dkim', 'domainKeysPolicy', 'spf', 'dmarc', 'mx', 'dane'] as const

export function verdictOf(findings: readonly AnyFinding[]): DomainCheckReport['verdict'] {
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
  const { resolver, mail } = options
  const notes: string[] = []
  options.onPhase?.('records')
  const [dkim, domainKeysPolicy, spf, dmarc, mxAlone] = await Promise.all([
    checkDkimRecords(domain, { resolver, selectors: options.selectors, privateKey: options.privateKey }),
    checkDomainKeysPolicy(domain, { resolver }),
    checkSpf(domain, { resolver }),
    checkDmarc(domain, { resolver }),
    mail
      ? checkMx(domain, { resolver, trust: mail.trust, timeoutMs: mail.timeoutMs, signal: mail.signal })
      : null,
  ])
  if (mail && mxAlone) options.onPhase?.('dane')
  const dane = mail && mxAlone ? await danePhase(domain, mxAlone, mail, notes) : null
  // Port 25 certificate findings that DANE senders ignore are explained, not left `bad`.
  const mx = mxAlone && dane ? explainPort25WithDane(mxAlone, dane) : mxAlone
  if (!mail) notes.push('MX, port 25, MTA-STS, TLS-RPT and DANE were not checked (--no-mx).')
  const findings: AnyFinding[] = [
    ...dkim.findings,
    ...domainKeysPolicy.findings,
    ...spf.findings,
    ...dmarc.findings,
    ...(mx ? mxCheckFindings(mx).map((f) => f.finding) : []),
    ...(dane?.findings ?? []),
  ].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])
  return {
    domain,
    resolver: resolver.description,
    dkim,
    domainKeysPolicy,
    spf,
    dmarc,
    mx,
    dane,
    daneResolver: mail?.daneResolver ?? null,
    findings,
    notes,
    firstSteps: firstSteps(new Set(findings.map((f) => f.id))),
    verdict: verdictOf(findings),
  }
}

/** DANE over the MX hosts found (or the implicit MX); null, with a note, when there is none to ask. */
async function danePhase(
  domain: string,
  mx: MxCheck,
  mail: MailPhaseOptions,
  notes: string[],
): Promise<DaneReport | null> {
  const hosts = mx.hosts.filter((h) => h.target === 'host').map((h) => h.name)
  if (hosts.length === 0) {
    const why: Record<MxCheck['kind'], string> = {
      null: 'the domain accepts no mail (null MX)',
      absent: 'the domain has no mail server',
      'dns-failed': 'the MX lookup failed',
      mx: 'no MX record names a valid host',
      implicit: 'no MX host',
    }
    notes.push(`DANE was not checked: ${why[mx.kind]}.`)
    return null
  }
  if (!mail.daneResolver) {
    notes.push(
      'DANE was not checked: no resolver address to ask (no --dns, and no nameserver in /etc/resolv.conf).',
    )
    return null
  }
  return checkDane(hosts, {
    resolver: mail.daneResolver,
    domain,
    timeoutMs: mail.timeoutMs,
    signal: mail.signal,
  })
}
