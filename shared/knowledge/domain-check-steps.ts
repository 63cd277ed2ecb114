// The ordered "what to change first" steps of `domain check`, each keyed by the findings it
// answers: the records' (domain-check-findings.ts) first, then the MX phase's (mx-findings.ts, the
// probe's port 25 findings, MTA-STS and TLS-RPT in domain-findings.ts) and DANE's.
import type { DaneFindingId } from './dane-findings.js'
import type { DomainCheckFindingId } from './domain-check-findings.js'
import type { DomainFindingId } from './domain-findings.js'
import type { MxFindingId } from './mx-findings.js'

/**
 * Any finding id `domain check` reports: its own table's, and those of the MX phase (mx-findings.ts,
 * the probe's port 25 findings in probe-findings.ts, MTA-STS and TLS-RPT in domain-findings.ts) and
 * of the DANE phase (dane-findings.ts). The ids of other tables named below are checked against
 * those tables by core/domain/check/first-steps.test.ts.
 */
export type StepFindingId =
  | DomainCheckFindingId
  | MxFindingId
  | DaneFindingId
  | DomainFindingId
  | ProbePort25Id

/** The probe's findings about port 25 of an MX host that a first step answers. */
type ProbePort25Id =
  | 'plaintext-only'
  | 'starttls-refused'
  | 'starttls-injection'
  | 'cert-expired'
  | 'cert-untrusted'
  | 'cert-wrong-host'
  | 'cert-self-signed'
  | 'cert-missing'
  | 'tls-legacy-only'
  | 'tls-handshake-failed'

export const FIRST_STEPS: readonly { when: readonly StepFindingId[]; step: string }[] = [
  {
    when: [
      'spf-multiple',
      'spf-syntax',
      'spf-too-many-lookups',
      'spf-include-missing',
      'spf-include-loop',
      'spf-void-lookups',
    ],
    step: 'Repair SPF: it is a permanent error now, so SPF fails for all your mail.',
  },
  {
    when: [
      'dkim-private-key-mismatch',
      'dkim-record-multiple',
      'dkim-record-malformed',
      'dkim-key-invalid',
      'dkim-record-not-dkim',
      'dkim-selector-missing',
      'dkim-hash-sha1-only',
    ],
    step: 'Repair the DKIM key record the signer uses: today its signatures fail.',
  },
  {
    when: ['dkim-key-broken', 'dkim-key-weak', 'dkim-testing'],
    step: 'Make a new 2048-bit DKIM key under a new selector (e.g. the date, 202612), publish it WITHOUT t=y, switch the signer (Exim: dkim_selector and dkim_private_key) to it, check a signed message with mailwarden dkim verify, then revoke the old selector (p= empty).',
  },
  {
    when: ['spf-pass-all', 'spf-absent', 'spf-neutral-all', 'spf-no-all', 'spf-ptr', 'spf-macro-ptr'],
    step: 'Make SPF say which servers send your mail and end it with ~all, then -all.',
  },
  {
    when: ['dmarc-absent', 'dmarc-multiple', 'dmarc-syntax', 'dmarc-policy-missing'],
    step: 'Publish a DMARC record: "v=DMARC1; p=none; rua=mailto:…" at _dmarc.DOMAIN, and read the aggregate reports for a few weeks.',
  },
  {
    when: ['dmarc-policy-none', 'dmarc-testing', 'dmarc-subdomain-weaker'],
    step: 'When the reports show your own mail passes DMARC, move to p=quarantine, then p=reject.',
  },
  {
    when: [
      'dmarc-no-rua',
      'dmarc-tag-invalid',
      'dmarc-report-unauthorized',
      'dmarc-uri-invalid',
      'dmarc-removed-tag',
    ],
    step: 'Tidy the DMARC record: a report address you can read (authorized if in another domain), and no pct=, rf= or ri=.',
  },
  {
    when: ['domainkeys-policy', 'adsp-record'],
    step: 'Delete the historic DomainKeys/ADSP policy records: receivers ignore them, DMARC says the same.',
  },
  {
    when: ['mx-absent', 'mx-ip-literal', 'mx-name-invalid', 'mx-null-with-others', 'mx-implicit', 'mx-cname'],
    step: 'Repair the MX records: each names a mail server by its own host name (no IP address, no alias), or the null MX "0 ." alone if DOMAIN receives no mail.',
  },
  {
    when: ['dane-mismatch', 'dane-ta-name', 'dane-starttls-failed'],
    step: 'Repair DANE first: senders that use it hold your mail while the TLSA records do not match the certificate (publish "3 1 1" of the key in use, then remove the stale record after its TTL).',
  },
  {
    when: [
      'plaintext-only',
      'starttls-refused',
      'starttls-injection',
      'cert-expired',
      'cert-untrusted',
      'cert-wrong-host',
      'cert-self-signed',
      'cert-missing',
      'tls-legacy-only',
      'tls-handshake-failed',
    ],
    step: 'Make port 25 of every MX host offer STARTTLS with TLS 1.2 or newer and a trusted, in-date certificate naming the host.',
  },
  {
    when: [
      'mta-sts-record-invalid',
      'mta-sts-record-multiple',
      'mta-sts-policy-unreachable',
      'mta-sts-policy-certificate',
      'mta-sts-policy-redirect',
      'mta-sts-policy-status',
      'mta-sts-policy-type',
      'mta-sts-policy-invalid',
      'mta-sts-mx-mismatch',
    ],
    step: 'Repair MTA-STS: one "v=STSv1; id=…" record at _mta-sts.DOMAIN, the policy at https://mta-sts.DOMAIN/.well-known/mta-sts.txt with a trusted certificate, naming every MX host (change the id with every policy change).',
  },
  {
    when: [
      'mta-sts-absent',
      'mta-sts-mode-testing',
      'mta-sts-max-age-short',
      'tlsrpt-absent',
      'tlsrpt-invalid',
      'tlsrpt-multiple',
    ],
    step: 'Protect delivery to you: publish TLS-RPT ("v=TLSRPTv1; rua=mailto:…" at _smtp._tls.DOMAIN) and an MTA-STS policy in mode testing, then enforce with max_age of a week or more once the reports are clean.',
  },
  {
    when: [
      'dane-not-validated',
      'dane-mx-unsigned',
      'dane-usage-unusual',
      'dane-tlsa-unusable',
      'dane-dns-failed',
    ],
    step: 'If you publish TLSA records, sign the zone with DNSSEC (DS at the parent) and use usage 3 or 2 records; check with a validating resolver (Settings, or --dns).',
  },
]

/** The steps that apply to these findings, in order. */
export function firstSteps(ids: ReadonlySet<string>): string[] {
  return FIRST_STEPS.filter((s) => s.when.some((id) => ids.has(id))).map((s) => s.step)
}
