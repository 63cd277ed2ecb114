// The signer's configuration for new keys, as text to paste: Exim's remote_smtp transport,
// OpenDKIM's tables with Postfix's milter lines, and rspamd's dkim_signing.conf. Each key has its
// own selector; two keys mean two signatures (Exim: a selector list; OpenDKIM: two table rows).
import { organizationalDomainByList } from '../../dmarc/organizational-domain.js'
import type { KeyAlgorithm } from './make-key.js'
import { recordName } from './record.js'

export interface SnippetKey {
  selector: string
  algorithm: KeyAlgorithm
  /** Where the signer reads the private key (absolute). */
  file: string
}

export interface SignerSnippets {
  exim: string
  opendkim: string
  postfix: string
  rspamd: string
}

/** The seed file dkimpy and rspamd need for an ed25519 key (advice keygen-ed25519-format). */
export const seedFileOf = (file: string) => `${file}.seed`

function eximSnippet(domain: string, keys: SnippetKey[]): string {
  const [first] = keys
  if (!first) throw new Error('no keys')
  // One selector: the file itself. Several: Exim expands dkim_private_key once per selector.
  const keyLine =
    keys.length === 1
      ? first.file
      : keys
          .slice(0, -1)
          .reduceRight(
            (otherwise, k) => `\${if eq{$dkim_selector}{${k.selector}}{${k.file}}{${otherwise}}}`,
            (keys.at(-1) as SnippetKey).file,
          )
  return [
    '# Exim: in the remote_smtp transport (Debian split config:',
    '# /etc/exim4/conf.d/transport/30_exim4-config_remote_smtp), then update-exim4.conf and restart.',
    'remote_smtp:',
    '  driver = smtp',
    `  dkim_domain = ${domain}`,
    `  dkim_selector = ${keys.map((k) => k.selector).join(' : ')}`,
    `  dkim_private_key = ${keyLine}`,
    '  dkim_canon = relaxed',
  ].join('\n')
}

function opendkimSnippet(domain: string, keys: SnippetKey[]): string {
  const names = keys.map((k) => recordName(k.selector, domain))
  return [
    '# /etc/opendkim.conf',
    'KeyTable          file:/etc/opendkim/KeyTable',
    'SigningTable      refile:/etc/opendkim/SigningTable',
    'Canonicalization  relaxed/relaxed',
    'Socket            inet:8891@localhost',
    ...(keys.length > 1 ? ['MultipleSignatures yes'] : []),
    '',
    '# /etc/opendkim/KeyTable',
    ...keys.map((k, i) => `${names[i]}  ${domain}:${k.selector}:${k.file}`),
    '',
    '# /etc/opendkim/SigningTable',
    ...names.map((n) => `*@${domain}  ${n}`),
  ].join('\n')
}

const POSTFIX = [
  '# /etc/postfix/main.cf: hand mail to OpenDKIM, then `postfix reload`',
  'smtpd_milters = inet:localhost:8891',
  'non_smtpd_milters = $smtpd_milters',
  'milter_default_action = accept',
].join('\n')

function rspamdSnippet(domain: string, keys: SnippetKey[]): string {
  const rows = keys.map((k) =>
    k.algorithm === 'ed25519'
      ? `      { path = "${seedFileOf(k.file)}"; selector = "${k.selector}"; } # the base64 seed, not the PEM (see keygen-ed25519-format)`
      : `      { path = "${k.file}"; selector = "${k.selector}"; }`,
  )
  // rspamd signs for the registered domain (use_esld, on by default): mail from mail.example.com
  // would look up example.com, find no entry, and not be signed with these keys (tested, 3.4).
  const ownName = organizationalDomainByList(domain) === domain
  return [
    '# /etc/rspamd/local.d/dkim_signing.conf',
    ...(ownName ? [] : [`use_esld = false; # sign as ${domain} itself, not its registered domain`]),
    'domain {',
    `  ${domain} {`,
    '    selectors [',
    ...rows,
    '    ];',
    '  }',
    '}',
  ].join('\n')
}

export function signerSnippets(domain: string, keys: SnippetKey[]): SignerSnippets {
  return {
    exim: eximSnippet(domain, keys),
    opendkim: opendkimSnippet(domain, keys),
    postfix: POSTFIX,
    rspamd: rspamdSnippet(domain, keys),
  }
}
