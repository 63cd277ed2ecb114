// Findings of `domain check` (the administrator's own domain: DKIM key records, the historic
// DomainKeys policy record, SPF RFC 7208, DMARC RFC 9989), as data: a stable id, a severity, a
// title, one sentence of what it means and one of what to do. `{name}` marks are filled from the
// facts of one check. The ordered "what to change first" steps are in domain-check-steps.ts.
import type { Severity } from '../contract/mail.js'
import { type FindingVars, fillFinding } from './finding-text.js'

export interface DomainCheckFindingText {
  severity: Severity
  title: string
  detail: string
  fix: string
}

const DKIM = {
  'dkim-key-found': {
    severity: 'info',
    title: 'DKIM key published at selector {selector}',
    detail: '{name} holds an {keyType} key of {bits} bits.',
    fix: 'Nothing to do for this record.',
  },
  'dkim-no-selector-found': {
    severity: 'warn',
    title: 'No DKIM key found at the common selectors',
    detail:
      'None of the {count} usual selectors ({selectors}) has a key record under _domainkey.{domain}; a selector is any name the signer chose, so yours may still exist.',
    fix: 'Name your selector (the s= of a DKIM-Signature header in mail you sent; --selector on the command line); if there is none, set up DKIM signing.',
  },
  'dkim-selector-missing': {
    severity: 'bad',
    title: 'No DKIM key at selector {selector}',
    detail: '{name} has no TXT record ({reason}), so every signature made with this selector fails.',
    fix: 'Publish the key record at {name}, or sign with the selector whose key is published.',
  },
  'dkim-record-multiple': {
    severity: 'bad',
    title: 'Several TXT records at DKIM selector {selector}',
    detail:
      '{name} has {count} TXT records; a key must be one record (long keys are one record of several strings), and RFC 6376 3.6.2.2 lets receivers fail the signature.',
    fix: 'Delete the extra records and publish the key as one TXT record (split into strings of at most 255 bytes inside that record).',
  },
  'dkim-record-not-dkim': {
    severity: 'bad',
    title: 'The record at selector {selector} is not a DKIM key',
    detail: '{name} holds "{record}", which is not a DKIM key record ({reason}).',
    fix: 'Publish "v=DKIM1; k=rsa; p=…" with the public key at {name}, and nothing else.',
  },
  'dkim-record-malformed': {
    severity: 'bad',
    title: 'The DKIM key record at selector {selector} is malformed',
    detail: '{reason}; receivers cannot use the key, so signatures with this selector fail (RFC 6376 3.6.1).',
    fix: 'Publish the record exactly as the signing software printed it: "v=DKIM1; k=rsa; p=…".',
  },
  'dkim-hash-sha1-only': {
    severity: 'bad',
    title: 'The DKIM key allows only SHA-1 (h=sha1)',
    detail:
      'RFC 8301 forbids rsa-sha1 signatures; receivers treat them as failed, and this key allows nothing else.',
    fix: 'Remove the h= tag (or make it h=sha256) and sign with rsa-sha256.',
  },
  'dkim-testing': {
    severity: 'bad',
    title: 'DKIM key at {selector} is in testing mode (t=y)',
    detail:
      'With t=y, RFC 6376 3.6.1 says receivers must treat the mail as if it were unsigned, so the signatures protect nothing and DMARC cannot use them.',
    fix: 'Remove "t=y" from the record once signatures verify (check with mailwarden dkim verify).',
  },
  'dkim-strict-identity': {
    severity: 'info',
    title: 'DKIM key at {selector} has t=s',
    detail: 'The key only verifies signatures whose i= domain is exactly d= ({domain}), not a subdomain.',
    fix: 'Nothing to do unless you sign with i= in a subdomain; then remove "s" from t=.',
  },
  'dkim-revoked': {
    severity: 'info',
    title: 'DKIM key at {selector} is revoked',
    detail:
      'The record has an empty p=, the RFC 6376 way to say the key is withdrawn; signatures with it fail.',
    fix: 'Nothing to do if the selector is retired; if mail is still signed with it, switch the signer to a published key.',
  },
  'dkim-key-invalid': {
    severity: 'bad',
    title: 'The DKIM key at {selector} does not parse',
    detail: '{reason} Receivers cannot verify any signature with it.',
    fix: 'Publish the public key again from the signer’s private key (openssl rsa -in KEY -pubout), without line breaks or quotes inside p=.',
  },
  'dkim-key-broken': {
    severity: 'bad',
    title: 'The DKIM key at {selector} is {bits} bits: broken',
    detail:
      'An RSA key this small can be factored; RFC 8301 says receivers must not accept keys under 1024 bits, so the signatures fail.',
    fix: 'Make a 2048-bit key under a new selector, publish it, switch the signer to it, then revoke this selector (p= empty).',
  },
  'dkim-key-weak': {
    severity: 'warn',
    title: 'The DKIM key at {selector} is {bits} bits: weak',
    detail:
      'Keys under 2048 bits are within reach of factoring; receivers still accept 1024, but RFC 8301 asks for 2048 and some already score lower.',
    fix: 'Make a 2048-bit key under a new selector, publish it, switch the signer to it, then revoke this selector (p= empty).',
  },
  'dkim-key-large': {
    severity: 'info',
    title: 'The DKIM key at {selector} is {bits} bits: large in DNS',
    detail:
      'The record is {bytes} bytes: it must be several strings of at most 255 bytes in one TXT record, and answers over 512 bytes need EDNS or TCP; some DNS hosting panels mangle such records.',
    fix: 'Nothing to do if this check and real receivers read it; 2048 bits is enough today.',
  },
  'dkim-key-ed25519': {
    severity: 'info',
    title: 'The DKIM key at {selector} is Ed25519',
    detail: 'Ed25519 keys (RFC 8463) are strong, but many receivers still cannot verify them.',
    fix: 'Sign with an RSA 2048-bit key too, under another selector.',
  },
  'dkim-private-key-match': {
    severity: 'info',
    title: 'The private key matches selector {selector}',
    detail: 'The key published at {name} is the public half of {file}.',
    fix: 'Nothing to do.',
  },
  'dkim-private-key-mismatch': {
    severity: 'bad',
    title: 'The private key does not match selector {selector}',
    detail:
      'The key published at {name} is not the public half of {file}, so everything signed with that file under this selector fails.',
    fix: 'Publish the public half of the signer’s key (openssl pkey -in {file} -pubout) at {name}, or configure the signer with the key that belongs to it.',
  },
} as const satisfies Record<string, DomainCheckFindingText>

const DOMAINKEYS = {
  'domainkeys-policy': {
    severity: 'warn',
    title: 'A historic DomainKeys policy record at _domainkey.{domain}',
    detail:
      '"{record}" is a DomainKeys (RFC 4870, 2007) sender policy{meaning}; DomainKeys was replaced by DKIM and its policy successor ADSP (RFC 5617) was made historic in 2013, so receivers ignore this record.',
    fix: 'Delete the record; say the same with DMARC instead: {dmarc}.',
  },
  'adsp-record': {
    severity: 'warn',
    title: 'A historic ADSP record at _adsp._domainkey.{domain}',
    detail:
      '"{record}" is an ADSP (RFC 5617) policy; ADSP was made historic in 2013 and receivers ignore it.',
    fix: 'Delete the record and publish a DMARC policy at _dmarc.{domain} instead.',
  },
} as const satisfies Record<string, DomainCheckFindingText>

const SPF = {
  'spf-present': {
    severity: 'info',
    title: 'SPF record published',
    detail: '{domain} publishes "{record}" ({lookups} of the 10 DNS lookups used).',
    fix: 'Nothing to do for this record.',
  },
  'spf-absent': {
    severity: 'warn',
    title: 'No SPF record',
    detail:
      '{domain} has no "v=spf1" TXT record, so receivers cannot tell which servers may send its mail and DMARC can only rely on DKIM.',
    fix: 'Publish a TXT record at {domain} such as "v=spf1 mx -all" listing the servers that send your mail.',
  },
  'spf-multiple': {
    severity: 'bad',
    title: 'Several SPF records',
    detail:
      '{domain} has {count} TXT records starting with "v=spf1"; RFC 7208 4.5 makes that a permanent error, so SPF fails for all its mail.',
    fix: 'Merge them into one record (one "v=spf1 … -all" with every mechanism) and delete the others.',
  },
  'spf-syntax': {
    severity: 'bad',
    title: 'The SPF record of {domain} is malformed',
    detail: '{reason}; RFC 7208 makes the whole record a permanent error, so SPF fails for all mail.',
    fix: 'Correct the record: "v=spf1", then mechanisms (ip4:, ip6:, a, mx, include:) separated by spaces, then "-all" or "~all".',
  },
  'spf-too-many-lookups': {
    severity: 'bad',
    title: 'SPF needs {count} DNS lookups (limit 10)',
    detail:
      'Counting through include, redirect, a, mx, ptr and exists ({path}), the record needs more than the 10 lookups RFC 7208 4.6.4 allows, so receivers return a permanent error.',
    fix: 'Remove includes you no longer use, replace a and mx by ip4:/ip6: of your own servers, or ask providers for a flatter include.',
  },
  'spf-void-lookups': {
    severity: 'bad',
    title: 'SPF has {count} lookups that find nothing (limit 2)',
    detail:
      'These names have no record: {names}; RFC 7208 4.6.4 makes more than two such lookups a permanent error.',
    fix: 'Remove the mechanisms that name domains which no longer exist.',
  },
  'spf-include-missing': {
    severity: 'bad',
    title: 'An SPF include has no SPF record',
    detail: '{term} points to {target}, which has no SPF record; RFC 7208 5.2 makes that a permanent error.',
    fix: 'Remove {term}, or correct the domain to the one your provider documents.',
  },
  'spf-include-loop': {
    severity: 'bad',
    title: 'SPF includes loop',
    detail: '{path} comes back to a record already being evaluated; receivers stop with a permanent error.',
    fix: 'Remove the include or redirect that points back up the chain.',
  },
  'spf-pass-all': {
    severity: 'bad',
    title: 'SPF allows everyone (+all)',
    detail:
      '"{term}" passes mail from any server in the world, so SPF says nothing and forged mail passes it.',
    fix: 'End the record with "-all" (or "~all" while you check your list of senders).',
  },
  'spf-neutral-all': {
    severity: 'warn',
    title: 'SPF ends with ?all',
    detail: '"?all" says nothing about servers not listed, so forged mail is neither passed nor failed.',
    fix: 'End the record with "~all", then "-all" once your list of senders is complete.',
  },
  'spf-no-all': {
    severity: 'warn',
    title: 'SPF has no all and no redirect',
    detail: 'Servers not listed get the result neutral (RFC 7208 4.7), which protects nothing.',
    fix: 'End the record with "-all" (or "~all").',
  },
  'spf-ptr': {
    severity: 'warn',
    title: 'SPF uses ptr',
    detail:
      '"{term}" relies on reverse DNS; RFC 7208 5.5 says not to use it (slow, unreliable), and many receivers ignore it.',
    fix: 'Replace ptr by ip4:/ip6: or a of the servers that send your mail.',
  },
  'spf-macro-ptr': {
    severity: 'warn',
    title: 'SPF uses the %{p} macro',
    detail:
      '"{term}" needs the reverse DNS name of the sending server; RFC 7208 7.3 says not to use it (slow, unreliable), and receivers that cannot validate the name use "unknown" instead.',
    fix: 'Build the name from %{i} (the address) instead, or list the servers with ip4:/ip6:.',
  },
  'spf-macro-sender': {
    severity: 'info',
    title: 'SPF of {domain} depends on the sender',
    detail:
      'Macros (RFC 7208 7) make these terms name a different domain for each message; they were evaluated for an example sender, {sender} from {ip}: {terms}. Each is still one DNS lookup for any sender.',
    fix: 'Nothing to do if you or your provider meant it; the lookup count above holds for every sender.',
  },
} as const satisfies Record<string, DomainCheckFindingText>

const DMARC = {
  'dmarc-present': {
    severity: 'info',
    title: 'DMARC policy {policy}',
    detail: '{name} publishes "{record}".',
    fix: 'Nothing to do for this record.',
  },
  'dmarc-absent': {
    severity: 'warn',
    title: 'No DMARC record',
    detail:
      'Neither _dmarc.{domain} nor a parent domain found by the DNS tree walk (RFC 9989 4.10) has a DMARC record, so receivers apply no policy to forged mail and send you no reports; large mailbox providers expect one from bulk senders.',
    fix: 'Publish "v=DMARC1; p=none; rua=mailto:dmarc-reports@{domain}" at _dmarc.{domain}, read the reports, then move to p=quarantine and p=reject.',
  },
  'dmarc-inherited': {
    severity: 'info',
    title: 'DMARC policy inherited from {recordDomain}',
    detail:
      '{domain} has no record of its own; the RFC 9989 tree walk found the one at _dmarc.{recordDomain} (the organizational domain), whose sp= (or np=, or p=) applies.',
    fix: 'Nothing to do unless this subdomain needs its own policy; then publish _dmarc.{domain}.',
  },
  'dmarc-multiple': {
    severity: 'bad',
    title: 'Several DMARC records at {name}',
    detail:
      '{name} has {count} records starting with "v=DMARC1"; RFC 9989 says receivers then use none of them.',
    fix: 'Keep one record and delete the others.',
  },
  'dmarc-syntax': {
    severity: 'bad',
    title: 'The DMARC record at {name} is malformed',
    detail:
      '{reason}; strict receivers ignore the whole record, others read past the error, so whether your policy applies depends on who receives the mail.',
    fix: 'Correct the record, e.g. "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@{domain}".',
  },
  'dmarc-tag-invalid': {
    severity: 'warn',
    title: 'DMARC tag {tag}= has an invalid value',
    detail: '{tag}={value} is not one of {allowed}; receivers ignore it and use the default ({fallback}).',
    fix: 'Write {tag}= as one of {allowed}, or remove it.',
  },
  'dmarc-policy-none': {
    severity: 'warn',
    title: 'DMARC only monitors (p=none)',
    detail:
      'p=none asks receivers to deliver mail that fails DMARC as usual and only report it; it is the right first step, but forged mail from {domain} is not stopped.',
    fix: 'Once the aggregate reports show all your own mail passes, move to p=quarantine, then p=reject.',
  },
  'dmarc-policy-missing': {
    severity: 'warn',
    title: 'The DMARC record has no p=',
    detail:
      'Without a valid p= (RFC 9989 4.7), receivers treat the record as p=none when it names report addresses, and ignore it otherwise.',
    fix: 'Add p=none, p=quarantine or p=reject.',
  },
  'dmarc-subdomain-weaker': {
    severity: 'warn',
    title: 'Subdomains get a weaker DMARC policy ({tag}={value})',
    detail: '{tag}={value} applies a weaker policy than {against} to {what}, which forgers can use.',
    fix: 'Remove {tag}= (then {against} applies) or make it as strict.',
  },
  'dmarc-testing': {
    severity: 'warn',
    title: 'DMARC is in testing mode (t=y)',
    detail:
      'With t=y, RFC 9989 asks receivers to apply one step less than p= says (quarantine instead of reject, none instead of quarantine).',
    fix: 'Remove t=y once the reports show your mail passes.',
  },
  'dmarc-removed-tag': {
    severity: 'warn',
    title: 'DMARC tag {tag}= no longer exists',
    detail: '{tag}= ({what}) was removed by RFC 9989, which replaced RFC 7489; receivers ignore it{extra}.',
    fix: '{fix}',
  },
  'dmarc-psd-yes': {
    severity: 'warn',
    title: 'The DMARC record says this is a public suffix (psd=y)',
    detail:
      'psd=y tells receivers that {recordDomain} is a public suffix operator’s domain, so domains below it are separate organizations and do not align with each other.',
    fix: 'Remove psd=y unless you run a public suffix (a registry); use psd=n to mark an organizational domain.',
  },
  'dmarc-strict-alignment': {
    severity: 'info',
    title: 'Strict DMARC alignment ({tags})',
    detail: 'Only an exact domain match aligns: mail signed or sent by a subdomain of {domain} fails DMARC.',
    fix: 'Nothing to do if all your mail uses exactly {domain}; otherwise use relaxed alignment (the default).',
  },
  'dmarc-no-rua': {
    severity: 'warn',
    title: 'DMARC asks for no aggregate reports',
    detail: 'Without rua=, you cannot see who sends mail as {domain} or whether your own mail passes.',
    fix: 'Add rua=mailto:dmarc-reports@{domain} (a mailbox or a report service).',
  },
  'dmarc-uri-invalid': {
    severity: 'warn',
    title: 'A DMARC report address is not a valid URI',
    detail: '{tag}= holds "{uri}", which is not a mailto: URI; receivers skip it.',
    fix: 'Write it as mailto:name@domain, separated from others by commas.',
  },
  'dmarc-report-unauthorized': {
    severity: 'warn',
    title: 'Reports to {reportDomain} are not authorized',
    detail:
      '{tag}= sends reports to {uri}, in another domain, but {authName} has no "v=DMARC1" record, so receivers must not send them there (RFC 9989 external destination verification).',
    fix: 'Ask the owner of {reportDomain} to publish "v=DMARC1" at {authName}, or use an address in {domain}.',
  },
  'dmarc-report-authorized': {
    severity: 'info',
    title: 'Reports to {reportDomain} are authorized',
    detail: '{authName} accepts {tag} reports for {domain}.',
    fix: 'Nothing to do.',
  },
  'dmarc-failure-reports': {
    severity: 'info',
    title: 'DMARC asks for failure reports (ruf=)',
    detail: 'Failure reports can carry parts of messages; few receivers send them, for privacy reasons{fo}.',
    fix: 'Keep ruf= only if you read the reports and may receive personal data.',
  },
} as const satisfies Record<string, DomainCheckFindingText>

const GENERAL = {
  'check-dns-failed': {
    severity: 'warn',
    title: 'A record could not be checked',
    detail:
      '{reason} This part of the check is incomplete: a problem at {name} may be missing from the report.',
    fix: 'Retry; if it keeps failing, check the DNS server Mailwarden uses (Settings, or --dns) and the domain’s name servers.',
  },
} as const satisfies Record<string, DomainCheckFindingText>

export const DOMAIN_CHECK_FINDINGS = { ...DKIM, ...DOMAINKEYS, ...SPF, ...DMARC, ...GENERAL } as const

export type DomainCheckFindingId = keyof typeof DOMAIN_CHECK_FINDINGS

export interface DomainCheckFinding extends DomainCheckFindingText {
  id: DomainCheckFindingId
}

export type { FindingVars }

/** The finding `id` with its marks filled from `vars` (which may quote DNS text: bounded). */
export function domainCheckFinding(id: DomainCheckFindingId, vars: FindingVars = {}): DomainCheckFinding {
  return fillFinding(id, DOMAIN_CHECK_FINDINGS[id], vars)
}

/**
 * What to change first, in order: each step applies when one of its findings was made. The order
 * is by harm: what makes mail fail today, then what leaves the domain unprotected, then clean-up.
 * A domain signing the classic Exim way (t=y, 1024 bits, o=~) gets: new key without t=y, DMARC,
 * then deleting the DomainKeys record.
 */
