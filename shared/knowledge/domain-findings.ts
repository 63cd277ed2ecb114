// Findings of the domain-level checks (MTA-STS, RFC 8461; TLS-RPT, RFC 8460), as data: a stable id,
// a severity, a title, one sentence of what it means and one of what to do. `{name}` marks are
// filled from the facts of one check (which MX host, which mode). The UI and the CLI render these.
import type { Severity } from '../contract/mail.js'
import { type FindingVars, fillFinding } from './finding-text.js'

export interface DomainFindingText {
  severity: Severity
  title: string
  detail: string
  fix: string
}

export const DOMAIN_FINDINGS = {
  'mta-sts-absent': {
    severity: 'info',
    title: 'No MTA-STS policy',
    detail:
      '{domain} publishes no _mta-sts TXT record, so servers sending mail to it use STARTTLS only if nobody strips it on the way (a downgrade goes unnoticed).',
    fix: 'Publish a TXT record "_mta-sts.{domain}" ("v=STSv1; id=…") and a policy at https://mta-sts.{domain}/.well-known/mta-sts.txt, starting in mode testing.',
  },
  'mta-sts-record-invalid': {
    severity: 'warn',
    title: 'MTA-STS record is malformed',
    detail:
      'The TXT record at _mta-sts.{domain} is not "v=STSv1; id=…" ({reason}); senders ignore the policy entirely.',
    fix: 'Publish exactly one record such as "v=STSv1; id=20260101T000000" (id: 1 to 32 letters or digits).',
  },
  'mta-sts-record-multiple': {
    severity: 'warn',
    title: 'More than one MTA-STS record',
    detail:
      '_mta-sts.{domain} has {count} records starting with v=STSv1; RFC 8461 3.1 says senders then act as if there were none.',
    fix: 'Keep one v=STSv1 record and delete the others.',
  },
  'mta-sts-policy-unreachable': {
    severity: 'bad',
    title: 'MTA-STS policy cannot be fetched',
    detail:
      'The TXT record announces a policy, but {url} could not be read: {reason}. Senders fall back to no protection.',
    fix: 'Serve the policy over HTTPS at that URL, with a certificate valid for mta-sts.{domain}.',
  },
  'mta-sts-policy-certificate': {
    severity: 'bad',
    title: 'MTA-STS policy served with a bad certificate',
    detail:
      'The HTTPS certificate of mta-sts.{domain} does not verify ({reason}); RFC 8461 3.3 requires senders to reject the policy.',
    fix: 'Install a certificate from a public CA that names mta-sts.{domain}.',
  },
  'mta-sts-policy-redirect': {
    severity: 'bad',
    title: 'MTA-STS policy URL redirects',
    detail:
      '{url} answers with a redirect (HTTP {status}); RFC 8461 3.3 forbids following it, so senders see no policy.',
    fix: 'Serve the file itself at that URL, with status 200.',
  },
  'mta-sts-policy-status': {
    severity: 'bad',
    title: 'MTA-STS policy URL does not answer 200',
    detail: '{url} answered HTTP {status}; senders see no policy.',
    fix: 'Serve the policy file at that exact path with status 200.',
  },
  'mta-sts-policy-type': {
    severity: 'warn',
    title: 'MTA-STS policy has the wrong media type',
    detail:
      'The policy is served as "{contentType}", not text/plain (RFC 8461 3.2); strict senders reject it.',
    fix: 'Serve mta-sts.txt with Content-Type: text/plain.',
  },
  'mta-sts-policy-invalid': {
    severity: 'bad',
    title: 'MTA-STS policy is malformed',
    detail: 'The policy at {url} is not valid: {reason}. Senders ignore it.',
    fix: 'Write "version: STSv1", "mode: enforce|testing|none", one "mx:" line per MX host and "max_age:" in seconds.',
  },
  'mta-sts-mode-enforce': {
    severity: 'info',
    title: 'MTA-STS enforced',
    detail:
      'Senders that support MTA-STS deliver to {domain} only over verified TLS to the listed MX hosts, for {maxAge} seconds after each fetch.',
    fix: 'Nothing to do; change the id of the TXT record whenever the policy changes.',
  },
  'mta-sts-mode-testing': {
    severity: 'warn',
    title: 'MTA-STS in testing mode',
    detail:
      'Failures are only reported (TLS-RPT), never prevented: a downgrade of mail to {domain} still succeeds.',
    fix: 'Once the TLS reports show no failures, switch the policy to "mode: enforce" and change the TXT id.',
  },
  'mta-sts-mode-none': {
    severity: 'info',
    title: 'MTA-STS switched off',
    detail: 'The policy says "mode: none": senders forget any earlier policy for {domain}.',
    fix: 'If this is not a planned withdrawal, publish "mode: testing" or "mode: enforce".',
  },
  'mta-sts-mx-mismatch': {
    severity: 'bad',
    title: 'An MX host is not covered by the MTA-STS policy',
    detail:
      "MX {mx} matches none of the policy's mx patterns ({patterns}); under enforce, senders refuse to deliver to it.",
    fix: 'Add "mx: {mx}" (or a matching "*.parent" wildcard) to the policy, or correct the MX record.',
  },
  'mta-sts-max-age-short': {
    severity: 'warn',
    title: 'MTA-STS max_age is short',
    detail:
      'max_age is {maxAge} seconds: an attacker who blocks the policy fetch for that long disables the protection (RFC 8461 recommends weeks).',
    fix: 'Use a max_age of at least 604800 (one week); 31557600 is the maximum.',
  },
  'tlsrpt-absent': {
    severity: 'info',
    title: 'No TLS-RPT record',
    detail:
      '{domain} publishes no _smtp._tls TXT record, so nobody tells its administrator when senders fail to reach it over TLS.',
    fix: 'Publish "_smtp._tls.{domain}" TXT "v=TLSRPTv1; rua=mailto:tls-reports@{domain}".',
  },
  'tlsrpt-invalid': {
    severity: 'warn',
    title: 'TLS-RPT record is malformed',
    detail: 'The TXT record at _smtp._tls.{domain} is not valid ({reason}); reporters ignore it.',
    fix: 'Publish one record "v=TLSRPTv1; rua=mailto:…" (or an https: URI); several URIs are separated by commas.',
  },
  'tlsrpt-multiple': {
    severity: 'warn',
    title: 'More than one TLS-RPT record',
    detail:
      '_smtp._tls.{domain} has {count} v=TLSRPTv1 records; RFC 8460 3 says reporters then send no report.',
    fix: 'Merge them into one record (rua= takes several comma-separated URIs).',
  },
  'tlsrpt-present': {
    severity: 'info',
    title: 'TLS failures are reported',
    detail: 'Senders that support TLS-RPT send daily reports of TLS failures to {rua}.',
    fix: 'Nothing to do; read the reports, they show downgrade attempts and certificate problems.',
  },
  'domain-dns-failed': {
    severity: 'warn',
    title: 'A domain record could not be checked',
    detail: 'The DNS lookup of {name} failed ({reason}), so this check is incomplete.',
    fix: 'Retry; if it keeps failing, check the DNS server Mailwarden uses (Settings or --dns).',
  },
} as const satisfies Record<string, DomainFindingText>

export type DomainFindingId = keyof typeof DOMAIN_FINDINGS

export interface DomainFinding extends DomainFindingText {
  id: DomainFindingId
}

/** The finding `id` with its marks filled from `vars`. */
export function domainFinding(id: DomainFindingId, vars: FindingVars = {}): DomainFinding {
  return fillFinding(id, DOMAIN_FINDINGS[id], vars)
}
