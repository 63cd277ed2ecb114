// Findings of the DANE check of a domain's MX hosts (RFC 7672, SMTP with DANE; RFC 6698 TLSA), as
// data: a stable id, a severity, a title, one sentence of what it means and one of what to do.
// `{name}` marks are filled from one check's facts (which MX host, which records, which reason).
// Rule kept throughout: an answer the resolver did not validate (no AD bit) is never called good.
import type { Severity } from '../contract/mail.js'
import { type FindingVars, fillFinding } from './finding-text.js'

export interface DaneFindingText {
  severity: Severity
  title: string
  detail: string
  fix: string
}

export const DANE_FINDINGS = {
  'dane-none': {
    severity: 'info',
    title: 'No DANE for {host}',
    detail:
      '{host} publishes no TLSA record at _25._tcp.{host}, so senders that use DANE deliver to it with opportunistic, unauthenticated TLS.',
    fix: 'To protect delivery against a downgrade or a false certificate, sign the zone with DNSSEC and publish "3 1 1" TLSA records of the server key at _25._tcp.{host}.',
  },
  'dane-match': {
    severity: 'info',
    title: 'DANE matches on {host}',
    detail:
      'The validated TLSA record {record} matches the certificate {host} presents after STARTTLS ({how}); DANE senders will deliver with authenticated TLS.',
    fix: 'Nothing to do; before you change the key or certificate, publish the new TLSA record next to the old one and wait for the TTL (RFC 7671 8.1).',
  },
  'dane-pkix-not-needed': {
    severity: 'info',
    title: 'DANE senders accept the certificate of {host}',
    detail:
      'Port 25 of {host} showed {problems}, but the validated TLSA record {record} authenticates it ({how}), so senders that use DANE deliver with authenticated TLS; only senders without DANE see those problems.',
    fix: 'Nothing is needed for DANE senders; for the others (and for MTA-STS, which checks names and dates), a certificate from a CA naming {host} helps.',
  },
  'dane-mismatch': {
    severity: 'bad',
    title: 'DANE does not match on {host}',
    detail:
      'None of the validated TLSA records at _25._tcp.{host} ({records}) matches what the server presents ({reason}); senders that use DANE will not deliver mail to it and keep it queued.',
    fix: 'Publish a TLSA record of the key in use ("3 1 1", SHA-256 of its public key) or fix the certificate, then remove the stale record after its TTL.',
  },
  'dane-not-validated': {
    severity: 'warn',
    title: 'DANE records of {host} not validated',
    detail:
      'The resolver {resolver} answered for {name} without the AD bit: it did not validate the answer with DNSSEC (the zone is unsigned, or that resolver does not validate), so nothing here can be called DANE-protected.',
    fix: 'Sign the zone with DNSSEC and publish its DS at the parent; to check, use a validating resolver (Settings or --dns).',
  },
  'dane-mx-unsigned': {
    severity: 'warn',
    title: 'MX records of {domain} not validated',
    detail:
      "The MX records of {domain} came without the AD bit from {resolver}; RFC 7672 2.2.1 says senders then do not look for TLSA records, so the MX hosts' DANE records are not used for mail to {domain}.",
    fix: 'Sign {domain} with DNSSEC (and publish the DS at the parent), or check with a validating resolver.',
  },
  'dane-unsigned-none': {
    severity: 'info',
    title: 'No DNSSEC and no DANE for {domain}',
    detail:
      'The MX records of {domain} came without the AD bit from {resolver} (the zone is unsigned, or that resolver does not validate) and no MX host publishes TLSA records, so DANE plays no part in mail to {domain}.',
    fix: 'Nothing is broken; to protect delivery against a downgrade, sign the zone with DNSSEC and publish "3 1 1" TLSA records of each MX host key.',
  },
  'dane-usage-unusual': {
    severity: 'warn',
    title: 'TLSA usage {usage} on {host}',
    detail:
      'The record {record} has usage {usage} (PKIX-TA or PKIX-EE); RFC 7672 3.1.3 tells SMTP senders to treat such records as unusable, because there is no agreed set of CAs for SMTP.',
    fix: 'Use usage 3 (DANE-EE, "3 1 1" of the server key) or 2 (DANE-TA, of your CA, sent in the chain) instead.',
  },
  'dane-tlsa-unusable': {
    severity: 'warn',
    title: 'Unusable TLSA record on {host}',
    detail: 'The record at _25._tcp.{host} cannot be used: {reason}. Senders skip it.',
    fix: 'Publish records with selector 0 or 1 and matching type 1 (SHA-256) or 2 (SHA-512), with a digest of the right length (or 0, the whole certificate or key).',
  },
  'dane-ta-name': {
    severity: 'bad',
    title: 'DANE-TA certificate does not name {host}',
    detail:
      'The chain leads to the trust anchor of {record}, but the certificate does not name the MX host ({reason}); RFC 7672 3.2.3 requires the name for usage 2, so DANE senders refuse it.',
    fix: 'Issue the certificate for {host} (as a subjectAltName), or publish a "3 1 1" record of the server key, which does not depend on names.',
  },
  'dane-starttls-failed': {
    severity: 'bad',
    title: 'No TLS to {host} to check DANE against',
    detail:
      '{host} publishes validated TLSA records, but a STARTTLS session on port 25 failed: {reason}. DANE senders never fall back to plaintext, so mail to that address stays queued (or goes to another address or MX host, if one works).',
    fix: 'Make {host} offer STARTTLS on port 25 with the certificate the TLSA records describe.',
  },
  'dane-dns-failed': {
    severity: 'warn',
    title: 'TLSA lookup for {host} failed',
    detail:
      'Asking {resolver} for {name} failed ({reason}); a validating resolver answers SERVFAIL when signatures are wrong (bogus), and DANE senders then defer mail.',
    fix: "Check the zone's signatures (e.g. with dnsviz or ldns-verify-zone) and retry; if it keeps failing, check the resolver Mailwarden uses.",
  },
} as const satisfies Record<string, DaneFindingText>

export type DaneFindingId = keyof typeof DANE_FINDINGS

export interface DaneFinding extends DaneFindingText {
  id: DaneFindingId
}

/** The finding `id` with its marks filled from `vars`, bounded like every finding. */
export function daneFinding(id: DaneFindingId, vars: FindingVars = {}): DaneFinding {
  return fillFinding(id, DANE_FINDINGS[id], vars)
}
