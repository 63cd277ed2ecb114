// OpenSSL's DANE code as the peer of our DANE check: its verdict for one TLSA record of a server's
// port 25, as a DANE sender judges it (STARTTLS, the record given as rrdata).
import { spawnSync } from 'node:child_process'

/** "match", "mismatch", or OpenSSL's own output when it came to neither. */
export function opensslDane(address: string, host: string, rrdata: string): string {
  const r = spawnSync(
    'openssl',
    [
      's_client',
      '-connect',
      `${address}:25`,
      '-starttls',
      'smtp',
      '-dane_tlsa_domain',
      host,
      '-dane_tlsa_rrdata',
      rrdata,
      // RFC 7672 3.1.1: no name check for DANE-EE, as Postfix sets it; OpenSSL checks by default.
      '-dane_ee_no_namechecks',
    ],
    { input: 'QUIT\n', encoding: 'utf8', timeout: 15_000 },
  )
  if (/Verification: OK/.test(r.stdout)) return 'match'
  if (/Verification error/.test(r.stdout)) return 'mismatch'
  return r.stdout + r.stderr
}
