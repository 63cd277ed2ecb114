// From what the conversation and the version attempts found to the report's facts: the TLS facts,
// the observation verdict.ts judges, the capability difference, and the one sentence that says
// how the endpoint starts. Pure.
import type { ProbeSecurity, TlsFacts, UntestedVersion } from '../../../shared/contract/probe.js'
import type { DiscoveredEndpoint } from '../../../shared/contract/probe-target.js'
import type { Capabilities, Greeting } from '../../net/dialogues/index.js'
import { MAX_CAPABILITIES_KEPT } from '../limits.js'
import type { TrustAnchors } from '../tls/trust.js'
import type { VersionsResult } from '../tls/versions.js'
import type { Dialog } from './conversation.js'
import type { Observation } from './observation.js'

function tlsReached(security: ProbeSecurity): boolean {
  return security === 'implicit-tls' || security === 'starttls'
}

/** The main handshake's facts and every version attempt; null when TLS never came up. */
export function tlsFactsOf(
  dialog: Dialog,
  versions: VersionsResult | null,
  trust: TrustAnchors,
): TlsFacts | null {
  if (!dialog.tls && !dialog.tlsError && !tlsReached(dialog.security)) return null
  if (!dialog.tls && !dialog.tlsError && !versions) return null
  const accepted = new Set(versions?.accepted ?? [])
  if (dialog.tls?.version) accepted.add(dialog.tls.version)
  const order = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const
  const untested: UntestedVersion[] = (versions?.untested ?? []).filter((u) => !accepted.has(u.version))
  return {
    version: dialog.tls?.version ?? null,
    versionsAccepted: order.filter((v) => accepted.has(v)),
    versionsRefused: order.filter((v) => versions?.refused.includes(v) && !accepted.has(v)),
    versionsUntested: untested,
    cipher: dialog.tls?.cipher ?? null,
    cipherStandardName: dialog.tls?.cipherStandardName ?? null,
    certificate: dialog.tls?.certificate ?? null,
    chain: dialog.tls?.chain ?? [],
    trustedAgainst: trust.description,
    error: dialog.tls ? null : dialog.tlsError,
  }
}

function mentionsStartTls(greeting: Greeting | null): boolean {
  return greeting !== null && /\b(?:STARTTLS|STLS)\b/i.test(greeting.lines.join(' '))
}

/** What was seen, for verdict.ts. */
export function observationOf(
  discovered: DiscoveredEndpoint,
  dialog: Dialog,
  tls: TlsFacts | null,
  expectedImplicit: boolean,
  sweep: boolean,
): Observation {
  return {
    host: discovered.host,
    port: discovered.port,
    expectedProtocol: discovered.protocol,
    protocol: dialog.protocol,
    security: dialog.security,
    failure: dialog.failure,
    expectedImplicit,
    greetingStatus: dialog.greeting?.status ?? null,
    greetingMentionsStartTls: mentionsStartTls(dialog.greeting),
    before: dialog.before,
    after: dialog.after,
    injection: dialog.injection,
    tls,
    clientSetting: discovered.clientSetting,
    sweep,
  }
}

/** The capabilities before and after TLS (capped), and what TLS added or removed. */
export function capsDiff(before: Capabilities | null, after: Capabilities | null) {
  const keep = (caps: Capabilities | null) => (caps?.known ? caps.raw.slice(0, MAX_CAPABILITIES_KEPT) : null)
  const b = keep(before)
  const a = keep(after)
  const upper = (list: string[] | null) => new Set((list ?? []).map((x) => x.toUpperCase()))
  const bs = upper(b)
  const as = upper(a)
  return {
    beforeTls: b,
    afterTls: a,
    added: b && a ? a.filter((x) => !bs.has(x.toUpperCase())) : [],
    removed: b && a ? b.filter((x) => !as.has(x.toUpperCase())) : [],
  }
}

export function round(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 10) / 10
}

/** The one sentence under the endpoint's name: how it starts, or why it could not be probed. */
export function reasonFor(o: Observation, where: string): string {
  const via = o.protocol ? o.protocol.toUpperCase() : 'the server'
  if (o.failure && o.security === 'unreachable') return o.failure.message
  if (o.greetingStatus === 'preauth')
    return `${where} greets with IMAP PREAUTH: logged in before any encryption.`
  switch (o.security) {
    case 'implicit-tls':
      return o.tls?.version
        ? `${where} starts with TLS (${o.tls.version}) and ${via} greets over it.`
        : `${where} starts with TLS.`
    case 'starttls':
      if (o.failure?.kind === 'injection') return o.failure.message
      if (o.failure) return `${where} offers STARTTLS, but: ${o.failure.message}`
      return `${where} greets in plaintext, offers ${o.protocol === 'pop3' ? 'STLS' : 'STARTTLS'}, and the upgrade to ${o.tls?.version ?? 'TLS'} worked.`
    case 'plaintext':
      if (o.failure?.kind === 'starttls-refused') return o.failure.message
      return `${where} greets in plaintext and offers no ${o.protocol === 'pop3' ? 'STLS' : 'STARTTLS'} in its capabilities.`
    default:
      return o.failure?.message ?? `${where} could not be probed.`
  }
}
