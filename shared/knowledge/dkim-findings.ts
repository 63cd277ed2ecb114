// Every DKIM finding Mailwarden can raise, kept as data (as the Thunderbird DKIM Verifier add-on
// keeps its warnings): a stable id, a severity, a title, a sentence for a non-expert and what to
// do. The engine adds a `detail` about the message at hand; the CLI and the UI render the rest.
import type { Severity } from '../contract/mail.js'

export interface DkimFindingInfo {
  severity: Severity
  title: string
  /** What it means, for someone who is not a mail expert. */
  explain: string
  /** What to do about it. */
  advice: string
}

export const DKIM_FINDINGS = {
  'no-signature': {
    severity: 'warn',
    title: 'The message is not DKIM-signed',
    explain: 'Nothing in the message proves which domain sent it; anyone could have written this From line.',
    advice:
      'Treat the sender as unverified. Most large senders sign every message, so a missing signature from them is suspicious.',
  },
  'signature-malformed': {
    severity: 'bad',
    title: 'A DKIM signature is malformed',
    explain: 'A DKIM-Signature header does not follow the standard (RFC 6376), so it proves nothing.',
    advice:
      'If the sender is legitimate, their mail system is broken; otherwise the header may be a forgery attempt.',
  },
  'from-not-signed': {
    severity: 'bad',
    title: 'A signature does not cover From',
    explain:
      'RFC 6376 requires every signature to sign the From header; one that does not proves nothing about the author and is ignored.',
    advice: 'Treat this signature as absent.',
  },
  'signatures-too-many': {
    severity: 'warn',
    title: 'Too many signatures to check',
    explain:
      'The message carries far more DKIM signatures than any real mail; only the first ones were checked.',
    advice: 'Such a message is most likely built to slow verifiers down. Treat it with suspicion.',
  },
  'signatures-several': {
    severity: 'info',
    title: 'Several signatures',
    explain:
      'The message was signed more than once (for example by the author’s domain and by a mail service). Each is shown; only an aligned, passing one counts for DMARC.',
    advice: 'Look at the signature marked as counting for DMARC.',
  },
  'body-hash-mismatch': {
    severity: 'bad',
    title: 'The body changed after signing',
    explain: 'The text or attachments of the message are not what the signer signed.',
    advice:
      'Read the likely cause below. A mailing list footer is harmless; an unexplained change may be tampering.',
  },
  'header-hash-mismatch': {
    severity: 'bad',
    title: 'The signed headers changed after signing',
    explain:
      'One of the headers the signature covers (such as From, Subject or Date) is not what the signer signed.',
    advice:
      'Compare the signed headers shown with what you see. A rewritten Subject (a list tag) is common; a changed From is not.',
  },
  'sha1-not-accepted': {
    severity: 'warn',
    title: 'Old rsa-sha1 signature',
    explain:
      'SHA-1 is broken; since RFC 8301 (2018) verifiers must not accept rsa-sha1 signatures, even when the arithmetic checks out.',
    advice: 'The sender should sign with rsa-sha256 or ed25519-sha256.',
  },
  'key-too-short': {
    severity: 'bad',
    title: 'The signing key is far too short',
    explain: 'RSA keys under 1024 bits can be cracked; RFC 8301 says such signatures must not be accepted.',
    advice: 'The sender must publish a key of 2048 bits or more.',
  },
  'key-weak': {
    severity: 'warn',
    title: 'The signing key is weak',
    explain:
      'The RSA key has fewer than 2048 bits: still allowed, but within reach of a well-funded attacker.',
    advice: 'The sender should move to a 2048-bit RSA or an ed25519 key.',
  },
  'key-missing': {
    severity: 'warn',
    title: 'The signing key is not published',
    explain: 'DNS has no key for this selector, so the signature cannot be checked.',
    advice: 'For fresh mail this is suspicious or a sender misconfiguration; check the domain and selector.',
  },
  'key-missing-old-mail': {
    severity: 'info',
    title: 'The key was probably rotated since',
    explain:
      'The message is old and its signing key is no longer in DNS. Senders replace keys regularly, so this is expected and not a sign of forgery.',
    advice:
      'To re-verify old mail, supply the old key with a key file, or use the key store (it remembers keys it has seen).',
  },
  'key-revoked': {
    severity: 'warn',
    title: 'The signing key was revoked',
    explain: 'The domain published an empty key for this selector, which means it withdrew it.',
    advice:
      'Old mail: expected after a rotation. Fresh mail: the sender says this key must no longer be trusted.',
  },
  'key-invalid': {
    severity: 'bad',
    title: 'The key record is unusable',
    explain: 'The DNS key record for this signature is malformed, ambiguous or not meant for mail.',
    advice: 'The sending domain must fix its DKIM DNS record.',
  },
  'key-unavailable': {
    severity: 'warn',
    title: 'The key could not be fetched',
    explain: 'DNS did not answer in time or failed; the result may be different on another try.',
    advice: 'Try again later or name another DNS server.',
  },
  'key-from-store': {
    severity: 'info',
    title: 'Verified with a remembered key',
    explain: 'DNS no longer has this key, but Mailwarden saw it on earlier mail and remembered it.',
    advice: 'The signature is as good as the first time that key was seen.',
  },
  'key-changed': {
    severity: 'warn',
    title: 'The signing key changed',
    explain:
      'This selector now has a different key than the one Mailwarden remembers for it. That happens after a legitimate rotation, but also when a domain is taken over.',
    advice: 'If this domain matters to you, confirm the change with the sender.',
  },
  'key-testing': {
    severity: 'warn',
    title: 'The domain is only testing DKIM',
    explain: 'The key record says t=y: the domain asks receivers not to treat its signatures as proof yet.',
    advice: 'Do not rely on this signature alone.',
  },
  'signature-expired': {
    severity: 'warn',
    title: 'The signature has expired',
    explain:
      'The signer gave the signature an end date (x=) that has passed. The cryptography may still hold, but the signer no longer vouches for it.',
    advice:
      'For old mail this is expected; verify as of the date the message arrived (--at) to see whether it was valid then.',
  },
  'signature-future': {
    severity: 'warn',
    title: 'The signature is dated in the future',
    explain:
      'The signing time (t=) is later than the time the message is judged at, beyond normal clock differences.',
    advice: 'Either a clock is badly wrong or the signature was made later than the message claims.',
  },
  'signature-old-no-expiry': {
    severity: 'info',
    title: 'An old signature with no end date',
    explain:
      'The signature has no x= expiry, so anyone holding a copy can resend it and it will keep verifying (a replay).',
    advice: 'Judge old signed mail by its content, not only by its signature.',
  },
  'identity-invalid': {
    severity: 'bad',
    title: 'The signer identity is invalid or outside the signing domain',
    explain:
      'The i= identity must read [local-part]@domain, and its domain must be the signing domain (d=) or one of its subdomains.',
    advice: 'The signature is invalid; treat it as unsigned.',
  },
  'body-length-partial': {
    severity: 'warn',
    title: 'Only part of the body is signed',
    explain:
      'The signature uses l=, so it covers only the first bytes of the body; anything after them could be added by anyone.',
    advice: 'Signers should not use l=. Read only the signed part with trust.',
  },
  'body-length-content-after': {
    severity: 'bad',
    title: 'Unsigned content follows the signed part of the body',
    explain:
      'The signature covers only the start of the body (l=) and more content follows it. This is how the 2024 l= attack slips a forged message under a real signature.',
    advice: 'Do not trust what follows the signed length; it may be an attacker’s.',
  },
  'body-length-content-type-unsigned': {
    severity: 'bad',
    title: 'Partial body signature with an unsigned Content-Type',
    explain:
      'With l= and an unsigned Content-Type, an attacker can change how the message is displayed and hide the signed part entirely.',
    advice: 'Treat the message as forged unless you can confirm it otherwise.',
  },
  'from-missing': {
    severity: 'bad',
    title: 'There is no From header',
    explain: 'Every message must have a From header; without it no signature can vouch for the author.',
    advice: 'Treat the message as malformed.',
  },
  'from-multiple': {
    severity: 'bad',
    title: 'More than one From header',
    explain:
      'A message must have exactly one From. With two, the signature may cover one while your mail program shows the other, so Mailwarden counts no signature as aligned with From.',
    advice: 'Treat the sender as unknown; this is a classic spoofing trick.',
  },
  'from-disguised': {
    severity: 'bad',
    title: 'A header disguised as From',
    explain:
      'A header line looks like a From header with a small twist (a space before the name or the colon, or a fold). Some mail programs show it as the sender while verifiers ignore it.',
    advice: 'Treat the sender as unknown; this is a spoofing trick.',
  },
  'from-several-addresses': {
    severity: 'warn',
    title: 'The From header has several addresses',
    explain:
      'Several authors are allowed by the standard, but DMARC and most mail programs handle only one, so which one you see is unpredictable.',
    advice: 'Be careful about who the sender really is.',
  },
  'from-encoded-address': {
    severity: 'bad',
    title: 'The From address is hidden in encoded text',
    explain:
      'The From header carries an address inside MIME-encoded text (=?...?=). Mail programs may decode and show it, while verifiers see another address.',
    advice: 'Treat the sender as unknown; this is a spoofing trick.',
  },
  'from-display-name-address': {
    severity: 'warn',
    title: 'The sender’s name shows another address',
    explain:
      'The display name looks like an email address that is not the real sender address. Mail programs that show only the name mislead you.',
    advice: 'Look at the real address, not the name.',
  },
  'sender-differs': {
    severity: 'info',
    title: 'Sent on behalf of someone else',
    explain:
      'The Sender header names another domain than From: someone sent the message on the author’s behalf (common for mailing lists and services).',
    advice: 'Check that you expect this service to write for the author.',
  },
  resent: {
    severity: 'info',
    title: 'The message was resent',
    explain:
      'Resent-From shows that someone forwarded the message as it was; signatures usually still belong to the original sender.',
    advice: 'The verdict is about the original sender, not the person who resent it.',
  },
  'header-duplicate': {
    severity: 'warn',
    title: 'A header that must be unique appears twice',
    explain:
      'Headers such as Subject, Date, To or Message-ID may appear only once. With two, you may see another one than the signature covers.',
    advice: 'Be wary of the duplicated header’s content.',
  },
  'unsigned-instance-above': {
    severity: 'bad',
    title: 'An unsigned copy of a signed header was added on top',
    explain:
      'The signature still verifies because it covers the lower copy, but a mail program may show the added upper one.',
    advice: 'Trust only the signed copy, shown in the details.',
  },
  'unsigned-instance-below': {
    severity: 'bad',
    title: 'An extra copy of a signed header breaks the signature',
    explain:
      'A second copy of a signed header was added below the signed one; verifiers pick the bottom copy, so the signature fails.',
    advice: 'The message was altered after signing; the added header is shown in the details.',
  },
  'header-not-signed': {
    severity: 'warn',
    title: 'Important headers are not signed',
    explain:
      'Some headers you rely on (such as Subject, Date or To) are not covered by the signature, so they could have been changed.',
    advice: 'Do not treat the unsigned headers as verified.',
  },
  'header-not-oversigned': {
    severity: 'info',
    title: 'Headers not protected against additions',
    explain:
      'The signature covers these headers but does not forbid extra copies of them (oversigning), so an extra copy could be added on top.',
    advice: 'Signers should list each of these headers once more than it appears.',
  },
  'not-aligned': {
    severity: 'warn',
    title: 'Signed by another domain than the From',
    explain:
      'Every valid signature belongs to a different domain than the sender address, so for DMARC the From is not authenticated.',
    advice: 'The signing domain vouches for the message, not for the From address.',
  },
  'aligned-relaxed': {
    severity: 'info',
    title: 'Signed by a related domain',
    explain:
      'The signing domain and the From domain share the same organisational domain (DMARC relaxed alignment) but are not identical.',
    advice: 'Fine for DMARC unless the domain publishes adkim=s.',
  },
  'alignment-walk-failed': {
    severity: 'info',
    title: 'Alignment judged by the public suffix list',
    explain:
      'The DMARC tree walk (RFC 9989) that finds which organisation a domain belongs to failed on a DNS error, so relaxed alignment was judged by the public suffix list, which can disagree for some domains.',
    advice: 'Verify again when DNS answers; if the error stays, check the DNS server.',
  },
  'auth-results-disagree': {
    severity: 'warn',
    title: 'The receiving server saw another result',
    explain: 'The Authentication-Results your mail server wrote on arrival differ from Mailwarden’s result.',
    advice:
      'A key rotated or expired since arrival explains it; otherwise the message may have changed after delivery.',
  },
  'line-endings-lf': {
    severity: 'info',
    title: 'The file uses bare LF line endings',
    explain:
      'Mail travels with CRLF line endings; this file (probably saved on Unix) has bare LF, which Mailwarden turned back into CRLF before verifying.',
    advice: 'Nothing to do; if a signature fails, the line endings are one of the causes tried.',
  },
  'header-malformed': {
    severity: 'warn',
    title: 'A header line is malformed',
    explain:
      'A line in the header block is neither a header nor a continuation of one. Mail programs disagree about such lines.',
    advice: 'Treat the message as damaged or crafted.',
  },
  'no-body-separator': {
    severity: 'info',
    title: 'No blank line between headers and body',
    explain: 'The message has headers only (no blank line ends them), so its body is empty.',
    advice: 'If the file should have a body, it is truncated.',
  },
  'key-dns-refused': {
    severity: 'warn',
    title: 'The DNS server refused to look up the key',
    explain:
      'The DNS server Mailwarden asked refused the question: it does not look up this name for Mailwarden (a local server without forwarding, or one that serves only some clients). Asking it again will get the same refusal.',
    advice:
      'Check the DNS server in Settings (or --dns): clear it to use the system’s resolver, or name one that looks up public names.',
  },
  'key-not-in-key-file': {
    severity: 'warn',
    title: 'The key file has no key for this signature',
    explain:
      'The key records you gave (instead of DNS) have none for this selector, so the signature cannot be checked. DNS was not asked, so this says nothing about what the domain publishes.',
    advice:
      'Add the selector’s record (NAME TXT-VALUE) to the key records, or verify without them to use DNS.',
  },
  'first-line-not-header': {
    severity: 'bad',
    title: 'The first line is not a valid header field',
    explain:
      'The message starts with a line such as "From : ceo@bank.example" or "From ceo@bank.example" that is not a proper header field. Some mail clients show it as the sender, while the signature vouches for the From header below it; Mailwarden therefore counts no signature as aligned with From.',
    advice:
      'Treat the sender as unknown; this is a spoofing trick. If the file is an mbox export, open it as an mbox: its first line must be "From ", a sender and a date.',
  },
} as const satisfies Record<string, DkimFindingInfo>

export type DkimFindingId = keyof typeof DKIM_FINDINGS

/**
 * Findings that make the author ambiguous: with any of them the engine counts no signature as
 * aligned with From, and the verdict says why (these ids decide it, not the sentences).
 */
export const AUTHOR_AMBIGUOUS_FINDINGS: readonly DkimFindingId[] = ['from-multiple', 'first-line-not-header']

/** True when a report's findings make its author ambiguous (see AUTHOR_AMBIGUOUS_FINDINGS). */
export function authorAmbiguous(findings: readonly { id: string }[]): boolean {
  return findings.some((f) => (AUTHOR_AMBIGUOUS_FINDINGS as readonly string[]).includes(f.id))
}
