// Findings of a domain's MX records (RFC 5321 5.1, RFC 7505, RFC 2181 10.3), as data: a stable id,
// a severity, a title, one sentence of what it means and one of what to do. What an MX host says on
// port 25 is the probe's (probe-findings.ts); its MTA-STS and TLS-RPT are domain-findings.ts's
// (an MX the enforced policy does not cover is mta-sts-mx-mismatch there). `{name}` marks are filled
// from the facts of one check.
import type { DomainFindingText } from './domain-findings.js'
import { type FindingVars, fillFinding } from './finding-text.js'

export const MX_FINDINGS = {
  'mx-null': {
    severity: 'info',
    title: 'The domain accepts no mail (null MX)',
    detail:
      '{domain} publishes the null MX "0 ." (RFC 7505): senders bounce mail to it at once, so no mail server was probed.',
    fix: 'Nothing to do if {domain} is not meant to receive mail; otherwise replace the null MX with MX records naming the mail servers.',
  },
  'mx-null-with-others': {
    severity: 'warn',
    title: 'A null MX next to other MX records',
    detail:
      '{domain} publishes the null MX "0 ." together with {count} other MX records; RFC 7505 3 forbids this, and senders differ on whether the domain accepts mail.',
    fix: 'Keep either the null MX (no mail) or the real MX records, not both.',
  },
  'mx-implicit': {
    severity: 'warn',
    title: 'No MX record: senders fall back to the address',
    detail:
      '{domain} has no MX record, so senders deliver to its own address ({addresses}) as the implicit MX of RFC 5321 5.1; that is usually a web server, and MTA-STS cannot name it well.',
    fix: 'Publish an MX record naming the mail server (for example "{domain}. MX 10 mail.{domain}."), or the null MX "0 ." if {domain} receives no mail.',
  },
  'mx-absent': {
    severity: 'bad',
    title: 'No mail server for the domain',
    detail:
      '{domain} has no MX record and no address of its own ({reason}), so mail to it cannot be delivered.',
    fix: 'Publish an MX record naming the mail server of {domain}, or the null MX "0 ." to say it receives no mail.',
  },
  'mx-cname': {
    severity: 'warn',
    title: 'An MX host is an alias (CNAME)',
    detail:
      'MX {mx} is a CNAME to {target}; RFC 2181 10.3 and RFC 5321 5.1 require the MX to name the host itself, and some senders refuse or mishandle an alias there.',
    fix: 'Put the canonical name {target} in the MX record, or give {mx} its own A/AAAA records.',
  },
  'mx-ip-literal': {
    severity: 'bad',
    title: 'An MX record names an IP address',
    detail:
      'MX {mx} is an IP address, not a host name (RFC 5321 5.1); senders look it up as a name and fail, so mail does not reach it. It was not probed.',
    fix: 'Give the server a host name with A/AAAA records and put that name in the MX record.',
  },
  'mx-name-invalid': {
    severity: 'bad',
    title: 'An MX record names no valid host',
    detail: 'MX "{mx}" is not a valid host name, so senders cannot deliver to it. It was not probed.',
    fix: 'Correct the MX record to the mail server’s host name.',
  },
} as const satisfies Record<string, DomainFindingText>

export type MxFindingId = keyof typeof MX_FINDINGS

export interface MxFinding extends DomainFindingText {
  id: MxFindingId
}

/** The finding `id` with its marks filled from `vars`, bounded like every finding. */
export function mxFinding(id: MxFindingId, vars: FindingVars = {}): MxFinding {
  return fillFinding(id, MX_FINDINGS[id], vars)
}
