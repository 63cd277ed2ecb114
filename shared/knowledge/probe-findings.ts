// Every finding the probe can raise, as data (as the Thunderbird DKIM Verifier add-on keeps its
// warnings): a stable id, a severity, a title, one sentence of what it means and one of what to
// do. RFC 8314 is the yardstick: implicit TLS preferred, STARTTLS acceptable when it cannot be
// skipped, no password before encryption. The engine adds what it saw on the endpoint to `detail`.
import type { Severity } from '../contract/mail.js'
import type { ProbeFinding } from '../contract/probe.js'

export interface FindingText {
  severity: Severity
  title: string
  /** What it means, in one sentence. */
  detail: string
  /** What to do, in one sentence. */
  fix: string
}

export const PROBE_FINDINGS = {
  // Transport
  'implicit-tls-preferred': {
    severity: 'info',
    title: 'STARTTLS works; implicit TLS is preferred',
    detail:
      'This port starts in plaintext and upgrades with STARTTLS, which is safe only while the client insists on it; RFC 8314 prefers a port that starts with TLS.',
    fix: 'Use the implicit-TLS port (993 for IMAP, 995 for POP3, 465 for submission) if the server offers it, or set the client to require STARTTLS, never "if available".',
  },
  'plaintext-only': {
    severity: 'bad',
    title: 'No encryption offered',
    detail:
      'The server offers no STARTTLS and does not speak TLS on this port, so passwords and messages cross the network readable by anyone on the path.',
    fix: 'Do not use this port; use the server’s TLS port, or ask the provider to enable TLS.',
  },
  'starttls-only-in-text': {
    severity: 'info',
    title: 'The word STARTTLS appears, but it is not offered',
    detail:
      'The server’s greeting or reply text contains "STARTTLS", but its capability list does not offer it; tools that search for the word (as Thunderbird’s account setup does) are misled.',
    fix: 'Trust the capability list: this port has no STARTTLS.',
  },
  'starttls-refused': {
    severity: 'bad',
    title: 'STARTTLS offered, then refused',
    detail:
      'The server lists STARTTLS but refused the command, so a client that requires TLS cannot connect and one set to "if available" continues in plaintext.',
    fix: 'Use the implicit-TLS port, or ask the administrator to fix the STARTTLS configuration (often a missing certificate).',
  },
  'starttls-injection': {
    severity: 'bad',
    title: 'Bytes injected after the STARTTLS OK',
    detail:
      'The server (or something on the path) sent data after its STARTTLS OK and before the TLS handshake; a client that keeps those bytes would treat attacker-chosen data as if it came over TLS (CVE-2011-0411 class).',
    fix: 'Update the server software, look for a middlebox rewriting the connection, and prefer the implicit-TLS port.',
  },
  'imap-preauth': {
    severity: 'bad',
    title: 'Logged in before encryption (PREAUTH)',
    detail:
      'The IMAP server greets with PREAUTH: the session is already authenticated, so STARTTLS is no longer allowed and the whole mailbox travels in plaintext.',
    fix: 'Do not expose a pre-authenticated IMAP service on the network; use it only over a local or already encrypted channel (ssh).',
  },
  'password-before-tls': {
    severity: 'bad',
    title: 'A password is accepted before TLS',
    detail:
      'Before encryption the server offers a login that sends the password in the clear (IMAP LOGIN without LOGINDISABLED, AUTH PLAIN or LOGIN); a client set to "if available", or a downgrade attacker who strips STARTTLS, gets the password on the wire.',
    fix: 'Refuse plaintext logins before TLS (Dovecot: disable_plaintext_auth = yes; Exim: advertise AUTH only when $tls_in_cipher is set; Postfix: smtpd_tls_auth_only = yes).',
  },
  'pop3-user-before-tls': {
    severity: 'warn',
    title: 'POP3 USER is advertised before STLS',
    detail:
      'The server lists USER in its CAPA before STLS, so a client that believes it may send the user name and password in the clear; Mailwarden never sends a credential, so whether the server would accept it was not tested.',
    fix: 'Stop advertising USER before STLS (Dovecot: disable_plaintext_auth = yes) and set the client to require STLS or use port 995.',
  },
  'auth-before-tls-challenge': {
    severity: 'warn',
    title: 'Challenge-response login offered before TLS',
    detail:
      'Before encryption the server offers login mechanisms that do not send the password itself, but expose the exchange to offline guessing and the session to a downgrade.',
    fix: 'Offer authentication only after TLS.',
  },
  'protocol-mismatch': {
    severity: 'info',
    title: 'A different protocol answered',
    detail: 'The greeting shows a different mail protocol than the port or the discovery source suggested.',
    fix: 'Check which service the client is set up for on this port.',
  },
  'implicit-tls-nonstandard': {
    severity: 'info',
    title: 'Implicit TLS on a STARTTLS port',
    detail:
      'The server sent no plaintext greeting and answered a TLS handshake instead: this port starts with TLS.',
    fix: 'Set the client to SSL/TLS (implicit TLS) for this port, not STARTTLS.',
  },
  'plaintext-on-tls-port': {
    severity: 'info',
    title: 'Plaintext greeting on an implicit-TLS port',
    detail: 'The server greeted in plaintext on a port that normally starts with TLS.',
    fix: 'Set the client to STARTTLS for this port, or use the standard implicit-TLS port.',
  },

  // Certificate
  'cert-untrusted': {
    severity: 'bad',
    title: 'Certificate not trusted',
    detail:
      'The certificate does not chain to a trusted authority, so a client cannot tell this server from an interceptor.',
    fix: 'Install a certificate from a public CA (Let’s Encrypt) with its intermediates, or give Mailwarden the CA file that issued it if it is a private CA you trust.',
  },
  'cert-expired': {
    severity: 'bad',
    title: 'Certificate expired',
    detail:
      'The certificate (or one of its chain) is past its end date; clients refuse it or ask the user to accept it.',
    fix: 'Renew the certificate and reload the mail server.',
  },
  'cert-not-yet-valid': {
    severity: 'bad',
    title: 'Certificate not yet valid',
    detail: 'The certificate’s start date is in the future (or this computer’s clock is wrong).',
    fix: 'Check the server’s and this computer’s clocks, then the certificate.',
  },
  'cert-wrong-host': {
    severity: 'bad',
    title: 'Certificate is for another name',
    detail:
      'The certificate does not name the host the client connects to (RFC 6125 / RFC 7817 matching), so accepting it would also accept an interceptor’s.',
    fix: 'Connect with a name the certificate lists, or add this name to the certificate.',
  },
  'cert-self-signed': {
    severity: 'warn',
    title: 'Self-signed certificate',
    detail:
      'No authority vouches for this certificate; it is safe only if you compare its fingerprint once and pin it (a Mailwarden tunnel can pin the SPKI).',
    fix: 'Replace it with a certificate from a public CA, or pin its SHA-256 fingerprint after checking it with the administrator.',
  },
  'cert-expiring-soon': {
    severity: 'warn',
    title: 'Certificate expires soon',
    detail: 'The certificate ends within 21 days.',
    fix: 'Renew it now (check that automatic renewal, such as certbot’s timer, runs and reloads the mail server).',
  },
  'cert-weak-key': {
    severity: 'warn',
    title: 'Weak certificate key',
    detail: 'The certificate’s key is smaller than current guidance (RSA below 2048 bits, EC below 256).',
    fix: 'Issue a new certificate with an RSA 2048+ or EC P-256+ key.',
  },
  'cert-weak-signature': {
    severity: 'warn',
    title: 'Weak certificate signature',
    detail: 'The certificate is signed with SHA-1 or MD5, which clients no longer accept as proof.',
    fix: 'Reissue it with a SHA-256 signature.',
  },
  'cert-missing': {
    severity: 'bad',
    title: 'No certificate',
    detail: 'The TLS handshake completed without a server certificate, so nothing identifies the server.',
    fix: 'Configure a certificate on the server.',
  },

  // TLS versions
  'tls-legacy-only': {
    severity: 'warn',
    title: 'Only TLS 1.0/1.1',
    detail:
      'The server accepts only deprecated TLS versions (RFC 8996); modern clients refuse them and they lack modern protections.',
    fix: 'Enable TLS 1.2 and 1.3 on the server (Dovecot: ssl_min_protocol = TLSv1.2 with a current OpenSSL).',
  },
  'tls-legacy-accepted': {
    severity: 'warn',
    title: 'TLS 1.0/1.1 still accepted',
    detail:
      'Besides TLS 1.2 or newer, the server still accepts deprecated versions a downgrade could use (RFC 8996).',
    fix: 'Set the minimum protocol to TLS 1.2.',
  },
  'tls-version-untested': {
    severity: 'info',
    title: 'A TLS version could not be tested here',
    detail: 'This runtime’s OpenSSL cannot offer the version, so whether the server accepts it is unknown.',
    fix: 'Test it with a tool built with legacy TLS (openssl s_client -tls1 -cipher DEFAULT:@SECLEVEL=0) if it matters.',
  },
  'tls-handshake-failed': {
    severity: 'bad',
    title: 'TLS handshake failed',
    detail: 'The server did not complete a TLS handshake with any version or cipher this probe offers.',
    fix: 'Check the server’s TLS configuration (certificate, protocols, ciphers) and its log.',
  },
  'tls-handshake-timeout': {
    severity: 'bad',
    title: 'TLS handshake stalled',
    detail: 'The server accepted the connection (or STARTTLS) but never completed the TLS handshake.',
    fix: 'Check the server’s TLS configuration and its log; a middlebox may be interfering.',
  },

  // Reachability and hostile behaviour
  'connection-refused': {
    severity: 'warn',
    title: 'Nothing listens here',
    detail: 'The connection was refused: no service listens on this port.',
    fix: 'If this port should serve mail, start the service or open it; otherwise ignore this port.',
  },
  'connect-timeout': {
    severity: 'warn',
    title: 'No answer (filtered)',
    detail: 'The connection attempt got no answer within the timeout, as when a firewall drops it.',
    fix: 'Check the firewall, or try from another network.',
  },
  'port25-blocked': {
    severity: 'warn',
    title: 'Port 25 likely blocked by your network',
    detail:
      'The connection to port 25 timed out; most home and mobile networks block outgoing port 25, so this says nothing about the server.',
    fix: 'Test port 25 from a server network, and use 465 or 587 for your own sending.',
  },
  'host-unreachable': {
    severity: 'warn',
    title: 'Host unreachable',
    detail: 'This network has no route to the server.',
    fix: 'Check the address and your network connection.',
  },
  'dns-failed': {
    severity: 'warn',
    title: 'Name does not resolve',
    detail: 'The server name has no address in DNS (or the DNS server did not answer).',
    fix: 'Check the name, or the DNS server Mailwarden uses (Settings → Network, or --dns).',
  },
  'no-greeting': {
    severity: 'bad',
    title: 'Silent server',
    detail:
      'The server accepted the connection but sent no greeting and did not answer a TLS handshake either.',
    fix: 'Check the service and its log; a client would hang here.',
  },
  'slow-reply': {
    severity: 'bad',
    title: 'Reply too slow',
    detail: 'The server sent part of a line but did not finish it within the timeout (a slow drip).',
    fix: 'Check the server’s load and log, or a middlebox slowing the connection.',
  },
  'endless-line': {
    severity: 'bad',
    title: 'Line too long',
    detail: 'The server sent a line longer than any mail protocol allows; the probe stopped reading.',
    fix: 'This is not a normal mail server; check what listens on this port.',
  },
  'too-much-data': {
    severity: 'bad',
    title: 'Too much data',
    detail: 'The server kept sending (an endless banner or reply) past the probe’s limit.',
    fix: 'This is not a normal mail server; check what listens on this port.',
  },
  'not-mail-protocol': {
    severity: 'bad',
    title: 'Not a mail protocol',
    detail: 'What the server sent is neither an IMAP, POP3 nor SMTP greeting, nor TLS.',
    fix: 'Check which service listens on this port.',
  },
  'tls-alert-instead-of-greeting': {
    severity: 'bad',
    title: 'TLS bytes instead of a greeting',
    detail:
      'The server sent TLS data (such as an alert) before any handshake, instead of a plaintext greeting.',
    fix: 'Check the service’s TLS configuration.',
  },
  'connection-reset': {
    severity: 'bad',
    title: 'Connection reset',
    detail: 'The server reset the connection in the middle of the dialogue.',
    fix: 'Check the server’s log; a connection limit or a firewall may be cutting connections.',
  },
  'connection-closed': {
    severity: 'bad',
    title: 'Connection closed',
    detail: 'The server closed the connection in the middle of the dialogue.',
    fix: 'Check the server’s log; it may be refusing this client’s address or be overloaded.',
  },
  'server-busy': {
    severity: 'warn',
    title: 'Server busy (421)',
    detail: 'The server answered that it is not accepting connections now.',
    fix: 'Try again later; too many connections from this address may have triggered its limits.',
  },
  'session-refused': {
    severity: 'warn',
    title: 'Session refused',
    detail: 'The server greeted with a refusal (SMTP 554, IMAP BYE or POP3 -ERR).',
    fix: 'Check whether the server accepts connections from this address.',
  },
  'protocol-error': {
    severity: 'bad',
    title: 'Unexpected reply',
    detail: 'The server answered a standard command with something its protocol does not allow.',
    fix: 'Check the server software; a proxy in between may be mangling the dialogue.',
  },

  // The user's client setting
  'client-setting-downgradable': {
    severity: 'warn',
    title: 'The client setting can be downgraded',
    detail:
      'A setting such as "STARTTLS, if available" or "Auto" continues in plaintext when an attacker strips the STARTTLS offer.',
    fix: 'Choose the setting that requires TLS (SSL/TLS on 993/995/465, or STARTTLS that is required).',
  },
  'client-setting-any-certificate': {
    severity: 'bad',
    title: 'The client accepts any certificate',
    detail:
      'An "(Accept all certificates)" setting accepts an interceptor’s certificate as readily as the server’s.',
    fix: 'Choose the variant without "Accept all certificates"; pin or trust the real certificate instead.',
  },
  'client-setting-plaintext': {
    severity: 'bad',
    title: 'The client is set to no encryption',
    detail:
      'The client is set to send everything, the password included, in plaintext, although the server offers TLS.',
    fix: 'Set the client to the security this report recommends for this port.',
  },
  'client-setting-mismatch': {
    severity: 'warn',
    title: 'The client setting does not match the port',
    detail:
      'The client is set to one kind of TLS and the port speaks the other (STARTTLS on 993, SSL on 587): the connection fails, or the client falls back.',
    fix: 'Choose the setting this report recommends for this port.',
  },
  // Capabilities before and after STARTTLS, and a port not answering in a sweep of a host's
  // standard ports.
  'starttls-offered-after-tls': {
    severity: 'warn',
    title: 'STARTTLS still offered after TLS',
    detail:
      'Over the encrypted connection the server lists STARTTLS (or STLS) again, which the protocol forbids (SMTP: RFC 3207 4.2; IMAP: RFC 9051 6.2.1 / RFC 3501 6.2.1; POP3: RFC 2595 4): the server did not reset its session after the handshake, or something rewrites its replies.',
    fix: 'Ask the administrator to update or fix the server’s TLS configuration; a client that issues STARTTLS again gets an error.',
  },
  'imap-logindisabled-after-tls': {
    severity: 'warn',
    title: 'LOGIN still disabled after TLS',
    detail:
      'Over TLS the IMAP server still says LOGINDISABLED, which is meant only for unencrypted connections (RFC 3501 6.2.3 and 7.2.1, RFC 9051): clients that log in with LOGIN cannot log in at all.',
    fix: 'Ask the administrator to allow LOGIN (or AUTH=PLAIN) over TLS; meanwhile use a client that logs in with AUTHENTICATE.',
  },
  'auth-missing-after-tls': {
    severity: 'warn',
    title: 'Login methods offered before TLS are gone after it',
    detail:
      'The server offered these login methods in plaintext but not over TLS, so a client that encrypts first (as it should) may have no way to log in, and one that does not sends the password unencrypted.',
    fix: 'Ask the administrator to offer the login methods over TLS (and only there).',
  },
  'capabilities-lost-after-tls': {
    severity: 'info',
    title: 'Fewer capabilities after TLS',
    detail:
      'The server lists capabilities in plaintext that it does not list over TLS; a client that relies on one of them behaves differently once encrypted.',
    fix: 'Nothing to do unless your client needs one of them; then ask the administrator why TLS removes it.',
  },
  'capabilities-refused-after-tls': {
    severity: 'warn',
    title: 'Capabilities refused after TLS',
    detail:
      'The server answered the capability request in plaintext but refused it over TLS (RFC 3207 4.2 and RFC 9051 6.2.1 require the client to ask again after TLS), so a client cannot learn how to log in.',
    fix: 'Ask the administrator to fix the server; until then this port may not work with your client.',
  },
  'port-closed': {
    severity: 'info',
    title: 'Port closed',
    detail:
      'Nothing listens on this standard port of the host (the connection was refused): the host does not offer this service, which is information, not a fault.',
    fix: 'Nothing to do, unless you expected this service here: then check the host and port.',
  },
  // Where the server list came from (discovery)
  'autoconfig-over-http': {
    severity: 'warn',
    title: 'This server came from a file fetched over plain HTTP',
    detail:
      'The only place this server was found is an autoconfig file fetched without HTTPS, so anyone on the network path could have written it and chosen which server gets your password.',
    fix: 'Check the server name with your provider (its help pages over HTTPS) before using it; ask the provider to serve autoconfig over HTTPS or to publish SRV records.',
  },
  'autoconfig-over-http-other-domain': {
    severity: 'bad',
    title: 'A file fetched over plain HTTP sends you to another domain’s server',
    detail:
      'An autoconfig file fetched without HTTPS names a server outside the address’s domain; a forged file looks exactly like this, and the client would send your password to that server.',
    fix: 'Do not use this server unless your provider confirms it over HTTPS (its help pages); enter the server your provider documents by hand.',
  },
  'autoconfig-over-http-no-tls': {
    severity: 'bad',
    title: 'A file fetched over plain HTTP sets up a server without TLS',
    detail:
      'An autoconfig file fetched without HTTPS lists this server with no encryption (socketType plain), so both the file and the password it leads to cross the network readable and changeable.',
    fix: 'Use the server’s TLS port instead (993, 995, 465 or a STARTTLS port), with the name your provider documents over HTTPS.',
  },
} as const satisfies Record<string, FindingText>

export type ProbeFindingId = keyof typeof PROBE_FINDINGS

export const PROBE_FINDING_IDS = Object.keys(PROBE_FINDINGS) as ProbeFindingId[]

/** A finding from the table, with what was seen on this endpoint appended to its detail. */
export function probeFinding(id: ProbeFindingId, observed?: string): ProbeFinding {
  const text: FindingText = PROBE_FINDINGS[id]
  return {
    id,
    severity: text.severity,
    title: text.title,
    detail: observed ? `${text.detail} ${observed}` : text.detail,
    fix: text.fix,
  }
}
