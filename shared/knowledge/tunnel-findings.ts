// What a tunnel's start-time check of its server can find, as data: per reason id (the contract's
// UpstreamCheckReason) a title, one sentence of what it means, one of what to do (in the app and on
// the command line), and which fixes the app offers. The engine adds what it saw as `detail`.
import type { UpstreamCheckReason } from '../contract/tunnel.js'

/** pin: compare the fingerprint, then pin the key; ca: give the CA file; host: correct the host name. */
export type TunnelFix = 'pin' | 'ca' | 'host'

export interface TunnelFinding {
  title: string
  /** What it means, in one sentence. */
  meaning: string
  /** What to do in the app, in one sentence. */
  fix: string
  /** What to do with `mailwarden tunnel`, in one sentence. */
  cliFix: string
  /** The fixes the app offers, most likely first. */
  actions: readonly TunnelFix[]
}

const PIN_CLI =
  'compare the fingerprint above with the one your administrator gives you, then run again with --pin followed by the key shown'

export const TUNNEL_FINDINGS: Record<UpstreamCheckReason, TunnelFinding> = {
  'self-signed': {
    title: 'The server’s certificate is self-signed',
    meaning: 'No authority vouches for this certificate, so anyone on the path could show one like it.',
    fix: 'Compare its fingerprint with the one your administrator gives you and pin the key, or give the CA file that signed it.',
    cliFix: `${PIN_CLI}, or give the CA that signed it with --ca FILE.`,
    actions: ['pin', 'ca'],
  },
  'untrusted-issuer': {
    title: 'The server’s certificate is signed by an authority not trusted here',
    meaning:
      'The certificate comes from a private or unknown CA (a company’s own), or the server sends an incomplete chain.',
    fix: 'Give the CA file of that authority, or compare the fingerprint and pin the key.',
    cliFix: `give that authority's certificate with --ca FILE, or ${PIN_CLI}.`,
    actions: ['ca', 'pin'],
  },
  expired: {
    title: 'The server’s certificate has expired',
    meaning: 'The certificate is past its end date; mail clients refuse it, and so does the tunnel.',
    fix: 'Ask the administrator to renew it; until then, pin the key only if you compared its fingerprint.',
    cliFix: `ask the administrator to renew it; until then ${PIN_CLI}.`,
    actions: ['pin'],
  },
  'not-yet-valid': {
    title: 'The server’s certificate is not valid yet',
    meaning: 'Its start date is in the future: the server’s or this computer’s clock is wrong.',
    fix: 'Check this computer’s date and time, or ask the administrator.',
    cliFix: "check this computer's date and time, or ask the administrator.",
    actions: ['pin'],
  },
  'wrong-host': {
    title: 'The server’s certificate is for another name',
    meaning:
      'The certificate does not name the host this tunnel connects to: a wrong host name, or a server that is not the one meant.',
    fix: 'Correct the host name to one the certificate names, or compare the fingerprint and pin the key.',
    cliFix: `use a host name the certificate names in --to, or ${PIN_CLI}.`,
    actions: ['host', 'pin'],
  },
  'pin-mismatch': {
    title: 'The server’s key is not the pinned one',
    meaning:
      'The server shows a different key from the one this tunnel pinned: it was replaced, or someone is in between.',
    fix: 'Ask the administrator whether the key changed; pin the new one only after comparing its fingerprint.',
    cliFix: `ask the administrator whether the key changed; if it did, ${PIN_CLI}.`,
    actions: ['pin'],
  },
  'certificate-invalid': {
    title: 'The server’s certificate cannot be verified',
    meaning: 'The certificate failed verification for a reason other than the usual ones (see the detail).',
    fix: 'Ask the administrator; pin the key only after comparing its fingerprint.',
    cliFix: `ask the administrator; ${PIN_CLI}.`,
    actions: ['pin', 'ca'],
  },
  dns: {
    title: 'The server’s name does not resolve',
    meaning: 'DNS has no address for this host name.',
    fix: 'Correct the host name, or check the DNS server in Settings.',
    cliFix: 'correct the host name in --to, or check --dns.',
    actions: ['host'],
  },
  connect: {
    title: 'The server cannot be reached',
    meaning: 'Nothing answered on that address and port (refused, filtered, or no route).',
    fix: 'Check the host name and port, and that this computer can reach the server.',
    cliFix: 'check the host and port in --to, and that this computer can reach the server.',
    actions: ['host'],
  },
  'tls-handshake': {
    title: 'No TLS 1.2 or newer with the server',
    meaning: 'The TLS handshake failed: the server offers only old TLS, or does not speak TLS on this port.',
    fix: 'Check the port and encryption setting (implicit TLS or STARTTLS); ask the administrator for TLS 1.2.',
    cliFix: 'check the port and --tls (implicit or starttls); ask the administrator for TLS 1.2.',
    actions: ['host'],
  },
  'starttls-refused': {
    title: 'The server does not upgrade to TLS',
    meaning: 'The server does not offer STARTTLS or refused it; the tunnel never falls back to plaintext.',
    fix: 'Use the server’s implicit TLS port (993, 995, 465), or ask the administrator to enable STARTTLS.',
    cliFix: 'use the implicit TLS port with --tls implicit, or ask the administrator to enable STARTTLS.',
    actions: ['host'],
  },
  preauth: {
    title: 'The server logs in before encryption',
    meaning: 'It greets with PREAUTH, so the session is logged in before STARTTLS could start; refused.',
    fix: 'Use the server’s implicit TLS port instead.',
    cliFix: 'use the implicit TLS port with --tls implicit.',
    actions: ['host'],
  },
  'refused-session': {
    title: 'The server refuses sessions',
    meaning: 'It answered with a refusal instead of a greeting (busy, or not accepting this client).',
    fix: 'Try again later, or ask the administrator.',
    cliFix: 'try again later, or ask the administrator.',
    actions: [],
  },
  closed: {
    title: 'The server closes the connection at once',
    meaning: 'It closed the session right after its greeting or the TLS handshake, so no client can use it.',
    fix: 'Check the port and protocol; ask the administrator why the server closes sessions.',
    cliFix: 'check the port and --protocol; ask the administrator why the server closes sessions.',
    actions: ['host'],
  },
  protocol: {
    title: 'The server does not speak the tunnel’s protocol',
    meaning: 'Its answers are not those of this protocol on this port.',
    fix: 'Check the protocol and port (IMAP 993/143, POP3 995/110, SMTP 465/587).',
    cliFix: 'check --protocol and the port in --to.',
    actions: ['host'],
  },
}
