// The few phrases every report format shares: an endpoint's security in the client's words, its
// certificate and TLS versions in one line each. Pure; the formats only lay them out.
import { PROTOCOL_WORDS, SEVERITY_RANK } from '../contract/mail.js'
import type { CertificateFacts, EndpointReport, ProbeFinding, TlsFacts } from '../contract/probe.js'
import type { MailClientId } from '../contract/schemas.js'
import { CLIENTS } from '../knowledge/clients.js'

export function protocolName(endpoint: Pick<EndpointReport, 'protocol'>): string {
  return PROTOCOL_WORDS[endpoint.protocol]
}

export function hostPort(endpoint: Pick<EndpointReport, 'host' | 'port'>): string {
  return `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`
}

/** "SSL/TLS (implicit TLS)", "STARTTLS (STARTTLS)", "None (plaintext)", "unreachable". */
export function securityInClientWords(
  endpoint: Pick<EndpointReport, 'security'>,
  client: MailClientId,
): string {
  const profile = CLIENTS[client]
  switch (endpoint.security) {
    case 'implicit-tls':
      return `${profile.implicitTls} (implicit TLS)`
    case 'starttls':
      return `${profile.startTls ?? 'no STARTTLS choice'} (STARTTLS)`
    case 'plaintext':
      return `${profile.none} (plaintext)`
    case 'unreachable':
      return 'unreachable'
  }
}

/** "trusted, name matches, 84 days left" / "NOT trusted, self-signed, …"; `long` adds why it is not trusted. */
export function certificateLine(cert: CertificateFacts | null | undefined, long = false): string {
  if (!cert) return 'none'
  const parts = [cert.trusted ? 'trusted' : 'NOT trusted']
  if (long && !cert.trusted && cert.trustProblem) parts[0] = `NOT trusted (${cert.trustProblem})`
  if (cert.selfSigned) parts.push('self-signed')
  parts.push(cert.hostnameMatch ? 'name matches' : 'WRONG HOST')
  parts.push(cert.daysLeft < 0 ? `expired ${-cert.daysLeft} days ago` : `${cert.daysLeft} days left`)
  return parts.join(', ')
}

/** "TLSv1.2, TLSv1.3" (+ "; untested: TLSv1 (reason)"). */
export function versionsLine(tls: TlsFacts | null | undefined): string {
  if (!tls) return '–'
  const accepted = tls.versionsAccepted.length > 0 ? tls.versionsAccepted.join(', ') : 'none'
  const untested = tls.versionsUntested.map((u) => u.version)
  return untested.length > 0 ? `${accepted} (untested: ${untested.join(', ')})` : accepted
}

/** Worst first, then by id, so a report reads the same every time. */
export function sortedFindings(findings: readonly ProbeFinding[]): ProbeFinding[] {
  return [...findings].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.id.localeCompare(b.id),
  )
}
