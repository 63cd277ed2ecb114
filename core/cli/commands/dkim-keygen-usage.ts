// `dkim keygen`'s help, on its own so that `dkim --help` shows it without loading the key maker.
export const KEYGEN_USAGE = `mailwarden dkim keygen --domain D --selector S [--type rsa-2048|rsa-3072|ed25519|rsa-2048+ed25519]
                       [--out FILE] [--json]

Makes a DKIM signing key: writes the private key to a new file with mode 0600 (never printed,
never overwritten; default ./S._domainkey.D.private), and prints the TXT record to publish at
S._domainkey.D (zone-file form, strings of at most 255 bytes in one record, and the one-string
form for provider panels), the configuration for Exim, OpenDKIM with Postfix, and rspamd, and advice.

  --type T      rsa-2048 (default), rsa-3072, ed25519, or rsa-2048+ed25519: two keys, the RSA one
                under S (file FILE), the ed25519 one under S-ed (file FILE-ed25519)
  --out FILE    where the private key goes; an existing file is an error
  --json        one object: files written, records, snippets, advice

Exit codes: 0 the key is written, 2 bad arguments, 3 the file exists or cannot be written.`
