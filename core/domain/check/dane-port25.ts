// The MX phase's port 25 findings seen through DANE. The probe judges a certificate as a client
// that trusts CAs and checks names (cert-wrong-host, cert-untrusted, ...). A DANE sender does not:
// with a validated DANE-EE (3) record matching the key it checks neither name, dates nor issuer
// (RFC 7672 3.1.1); with DANE-TA (2) the TLSA record is the anchor, so the issuer does not matter
// but name and dates do (3.1.2, 3.2.3). Such findings stay, for senders without DANE, but are no
// longer `bad` as if no mail could arrive, unless an enforced MTA-STS policy covers the host: senders
// that use MTA-STS and not DANE do refuse the certificate then (RFC 8461 4.2).
import type { Finding } from '../../../shared/contract/mail.js'
import { daneFinding } from '../../../shared/knowledge/dane-findings.js'
import { verdictOf } from '../../probe/verdict.js'
import type { DaneHostResult, DaneReport } from './dane.js'
import type { MxCheck, MxHostCheck } from './mx-types.js'

/** Port 25 findings a DANE sender ignores, by how DANE authenticated the host. */
export const IGNORED_BY_DANE = {
  'dane-ee': [
    'cert-wrong-host',
    'cert-expired',
    'cert-not-yet-valid',
    'cert-expiring-soon',
    'cert-self-signed',
    'cert-untrusted',
  ],
  'dane-ta': ['cert-self-signed', 'cert-untrusted'],
} as const satisfies Record<'dane-ee' | 'dane-ta', readonly string[]>

function enforcedMtaSts(mx: MxCheck, host: MxHostCheck): boolean {
  return mx.mtaSts?.facts.policy?.mode === 'enforce' && host.mtaSts?.pattern != null
}

function softened(f: Finding, keepBad: boolean, how: string): Finding {
  const note = keepBad
    ? ` Senders that use DANE accept it (${how}); senders that use MTA-STS without DANE refuse it, as the enforced policy covers this host.`
    : ` Senders that use DANE accept it (${how}); only senders without DANE see this, and most of them deliver anyway with unauthenticated TLS.`
  return {
    ...f,
    severity: f.severity === 'bad' && !keepBad ? 'warn' : f.severity,
    detail: `${f.detail}${note}`.slice(0, 4000),
  }
}

/** One MX host's endpoint findings, softened where its DANE result makes them moot for DANE senders. */
function explainHost(mx: MxCheck, host: MxHostCheck, dane: DaneHostResult): MxHostCheck {
  const endpoint = host.endpoint
  if (!endpoint || !dane.validated || dane.auth === null) return host
  const ignored: readonly string[] = IGNORED_BY_DANE[dane.auth]
  const moot = endpoint.findings.filter((f) => ignored.includes(f.id))
  if (moot.length === 0) return host
  const record = dane.tlsa.length === 1 ? (dane.tlsa[0] ?? '').slice(0, 80) : `at _25._tcp.${dane.tlsaBase}`
  const how =
    dane.auth === 'dane-ee'
      ? 'DANE-EE: the key matches; names, dates and issuer are not checked, RFC 7672 3.1.1'
      : 'DANE-TA: the TLSA record is the trust anchor, so no public CA is needed, RFC 7672 3.1.2'
  const keepBad = enforcedMtaSts(mx, host)
  dane.findings.push(
    daneFinding('dane-pkix-not-needed', {
      host: host.name,
      problems: moot.map((f) => `${f.title.toLowerCase()} [${f.id}]`).join(', '),
      record,
      how,
    }),
  )
  const findings = endpoint.findings.map((f) => (ignored.includes(f.id) ? softened(f, keepBad, how) : f))
  // The endpoint's verdict follows its findings, as the probe makes it.
  return { ...host, endpoint: { ...endpoint, findings, verdict: verdictOf(findings, endpoint.security) } }
}

/**
 * The MX check with each host's port 25 findings explained by its DANE result, and the DANE report
 * with a `dane-pkix-not-needed` note per such host (both in the report's findings list after this).
 * Only when the domain's MX records were validated too: otherwise senders do not use the TLSA records.
 */
export function explainPort25WithDane(mx: MxCheck, dane: DaneReport): MxCheck {
  if (dane.mxValidated === false) return mx
  const byHost = new Map(dane.hosts.map((h) => [h.host, h]))
  const before = new Map(dane.hosts.map((h) => [h.host, h.findings.length]))
  const hosts = mx.hosts.map((h) => {
    const d = byHost.get(h.name)
    return d ? explainHost(mx, h, d) : h
  })
  // The notes just added to hosts belong in the report's list too.
  for (const h of dane.hosts) dane.findings.push(...h.findings.slice(before.get(h.host) ?? h.findings.length))
  return { ...mx, hosts }
}
