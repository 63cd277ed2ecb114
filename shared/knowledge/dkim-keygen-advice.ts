// Advice printed with a new DKIM key (`mailwarden dkim keygen`), as data: a stable id, a severity,
// a title, one sentence of what it means and one of what to do. `{name}` marks are filled from the
// facts of one run (the selector, the file). The CLI renders these; docs/domain.md explains them.
import type { Severity } from '../contract/mail.js'

export interface KeygenAdviceText {
  severity: Severity
  title: string
  detail: string
  fix: string
}

export const DKIM_KEYGEN_ADVICE = {
  'keygen-rsa-2048': {
    severity: 'info',
    title: 'RSA 2048 is the default',
    detail:
      'Every receiver verifies rsa-sha256 with a 2048-bit key, and its record fits a DNS answer without trouble; 1024 bits is too weak (RFC 8301), 4096 bits makes records some DNS panels refuse.',
    fix: 'Keep RSA 2048 unless a policy asks for more; rotate the key rather than making it longer.',
  },
  'keygen-rsa-3072-long-record': {
    severity: 'info',
    title: 'A 3072-bit key makes a long record',
    detail:
      'The TXT value is about 580 bytes (a 2048-bit one about 410): three 255-byte strings, and a DNS answer over 512 bytes that needs EDNS or TCP; some DNS panels reject such values or cut them silently.',
    fix: 'Publish the zone-file form (several strings in one record), or paste the one-string form only where the panel says it splits long values; check with `dig TXT {name}` afterwards.',
  },
  'keygen-ed25519-alone': {
    severity: 'warn',
    title: 'Ed25519 alone is not verified everywhere',
    detail:
      'Several large receivers still do not verify ed25519-sha256 (RFC 8463) signatures; to them mail signed only with this key looks unsigned, and DMARC fails.',
    fix: 'Sign with an RSA key too: `--type rsa-2048+ed25519` makes both, each under its own selector.',
  },
  'keygen-ed25519-with-rsa': {
    severity: 'info',
    title: 'Two keys, two selectors, two signatures',
    detail:
      'A signer adds one DKIM-Signature per key; the RSA key is published at {rsaName} and the ed25519 key at {edName}, and a receiver that ignores ed25519 still verifies the RSA signature.',
    fix: 'Publish both records and configure the signer with both keys (the snippets below do); never remove the RSA one.',
  },
  'keygen-ed25519-format': {
    severity: 'warn',
    title: 'dkimpy and rspamd do not read the ed25519 PEM file',
    detail:
      "The ed25519 key is written as PKCS#8 PEM, which Exim reads (built with GnuTLS 3.6 or later, as Debian's 4.96, or OpenSSL 1.1.1), as do OpenDKIM 2.11 and mailauth; dkimpy reads only the base64 of the 32-byte seed, and rspamd cannot load PEM ed25519 keys (rspamd issue 4630).",
    fix: 'For dkimpy or rspamd, write the seed from the PEM: `(umask 077; openssl pkey -in {edFile} -outform DER | tail -c 32 | base64 > {edFile}.seed)`, and give that file to the signer (both tested: dkimpy, and rspamd 3.4 with the snippet printed here).',
  },
  'keygen-selector-not-dated': {
    severity: 'info',
    title: 'A dated selector makes rotation easy',
    detail:
      'The selector "{selector}" carries no date; the next key needs a new selector anyway, and a date says at a glance which key is current and which is old.',
    fix: 'Consider a selector such as "{suggested}": the next key gets the next date, and both records can be published side by side.',
  },
  'keygen-keep-old-record': {
    severity: 'info',
    title: 'Keep the old record when you rotate',
    detail:
      'Mail signed with the old key is verified against its record when it arrives, and messages can sit in queues for days; removing the record early makes that mail fail DKIM.',
    fix: 'Publish the new record, switch the signer to the new selector, and delete the old record only a week or so later.',
  },
  'keygen-no-test-flag': {
    severity: 'info',
    title: 'No t=y in production',
    detail:
      'The printed record has no t= tag; t=y asks receivers to treat failures as if the mail were unsigned, which hides real problems and weakens DMARC.',
    fix: 'Publish the record as printed; if a guide tells you to add t=y, remove it before sending real mail.',
  },
  'keygen-key-permissions': {
    severity: 'info',
    title: 'The signer must be able to read the key',
    detail:
      'Written with mode 0600, {file} can be read by its owner only; Exim runs as Debian-exim, OpenDKIM as opendkim, rspamd as _rspamd.',
    fix: 'Move each key where the signer keeps keys and give it to that user, e.g. `chown root:Debian-exim FILE; chmod 0640 FILE`; never make it world-readable, and do not commit it anywhere.',
  },
} as const satisfies Record<string, KeygenAdviceText>

export type KeygenAdviceId = keyof typeof DKIM_KEYGEN_ADVICE
