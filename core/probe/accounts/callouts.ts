// What a re-check calls out, compared with what was saved: a certificate expiring within 21 days,
// a changed certificate fingerprint, a check that newly fails, a security that changed. Pure.
import type { SavedServer } from '../../../shared/contract/accounts.js'
import type { EndpointReport } from '../../../shared/contract/probe.js'
import type { Callout, RecheckServer } from '../../../shared/contract/probe-accounts.js'
import { MAX_PROBLEM_IDS_SAVED } from '../limits.js'

/** Days before expiry at which a saved account's certificate is called out (issue 6). */
export const EXPIRY_CALLOUT_DAYS = 21

const WORSE = { good: 0, warn: 1, bad: 2 } as const

export function problemIds(endpoint: EndpointReport): string[] {
  return [...new Set(endpoint.findings.filter((f) => f.severity !== 'info').map((f) => f.id))].sort()
}

/** Compares a fresh probe of one saved server with what was saved about it. */
export function recheckServer(saved: SavedServer, endpoint: EndpointReport): RecheckServer {
  const where = `${saved.host}:${saved.port}`
  const cert = endpoint.tls?.certificate ?? null
  const callouts: Callout[] = []
  if (endpoint.security === 'unreachable')
    callouts.push({ kind: 'unreachable', message: `${where} could not be reached: ${endpoint.reason}` })
  else if (endpoint.security !== saved.security)
    callouts.push({
      kind: 'security-changed',
      message: `${where} was saved as ${saved.security} and now answers as ${endpoint.security}.`,
    })
  if (cert && cert.daysLeft <= EXPIRY_CALLOUT_DAYS)
    callouts.push({
      kind: 'certificate-expiring',
      message:
        cert.daysLeft < 0
          ? `The certificate of ${where} expired ${-cert.daysLeft} days ago (${cert.notAfter}).`
          : `The certificate of ${where} expires in ${cert.daysLeft} days (${cert.notAfter}); tell the provider if it is not renewed soon.`,
    })
  const previous = saved.lastFingerprintSha256 ?? null
  if (cert && previous && cert.fingerprintSha256 !== previous)
    callouts.push({
      kind: 'certificate-changed',
      message: `The certificate of ${where} changed since it was saved (was ${previous}, now ${cert.fingerprintSha256}). A renewal does this; if the new one is not trusted, someone may be intercepting.`,
    })
  const before = new Set(saved.lastProblemIds ?? [])
  const fresh = endpoint.findings.filter((f) => f.severity !== 'info' && !before.has(f.id))
  const worsened = saved.lastVerdict != null && WORSE[endpoint.verdict] > WORSE[saved.lastVerdict]
  if (saved.lastVerdict != null && (fresh.length > 0 || worsened))
    callouts.push({
      kind: 'newly-failing',
      message:
        fresh.length > 0
          ? `${where} now fails: ${fresh.map((f) => f.title).join('; ')}.`
          : `${where} went from ${saved.lastVerdict} to ${endpoint.verdict}.`,
    })
  return {
    protocol: saved.protocol,
    host: saved.host,
    port: saved.port,
    security: endpoint.security,
    verdict: endpoint.verdict,
    fingerprintSha256: cert?.fingerprintSha256 ?? null,
    previousFingerprintSha256: previous,
    daysLeft: cert?.daysLeft ?? null,
    findings: endpoint.findings,
    callouts,
  }
}

/** The saved server after a re-check: what was seen becomes the baseline for the next one. */
export function rememberCheck(saved: SavedServer, endpoint: EndpointReport): SavedServer {
  if (endpoint.security === 'unreachable') return saved
  return {
    ...saved,
    lastFingerprintSha256:
      endpoint.tls?.certificate?.fingerprintSha256 ?? saved.lastFingerprintSha256 ?? null,
    lastVerdict: endpoint.verdict,
    lastProblemIds: problemIds(endpoint).slice(0, MAX_PROBLEM_IDS_SAVED),
  }
}
