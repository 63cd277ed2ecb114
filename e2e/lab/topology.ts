// The lab's fixed layout: one loopback address per server, standard ports, names under a
// .test domain (RFC 2606). Every other module reads from here so the README, status checks
// and tests cannot drift apart.

export const DOMAIN = 'lab.test'

// 127.0.10.0/24 rather than 127.0.0.x: avoids 127.0.0.53 (systemd-resolved) and 127.0.1.1
// (Debian's hostname entry) on developer machines.
export const ADDR = {
  dns: '127.0.10.53',
  dovecot: '127.0.10.10',
  exim: '127.0.10.11',
  perdition: '127.0.10.12',
  backend: '127.0.10.13',
  plaintext: '127.0.10.20',
  expired: '127.0.10.21',
  wrongHost: '127.0.10.22',
  selfSigned: '127.0.10.23',
  oldTls: '127.0.10.24',
  authBeforeTls: '127.0.10.25',
  preauth: '127.0.10.26',
  web: '127.0.10.30',
  // Issue 18: an OAuth 2.0 authorization server and mail servers that accept only its tokens.
  oauthProvider: '127.0.10.40',
  oauthImap: '127.0.10.41',
  oauthSmtp: '127.0.10.42',
} as const

export type ServerKey = keyof typeof ADDR

export const HOST: Record<ServerKey, string> = {
  dns: `ns.${DOMAIN}`,
  dovecot: `imap.${DOMAIN}`,
  exim: `smtp.${DOMAIN}`,
  perdition: `proxy.${DOMAIN}`,
  backend: `backend.${DOMAIN}`,
  plaintext: `plain.${DOMAIN}`,
  expired: `expired.${DOMAIN}`,
  wrongHost: `wronghost.${DOMAIN}`,
  selfSigned: `selfsigned.${DOMAIN}`,
  oldTls: `oldtls.${DOMAIN}`,
  authBeforeTls: `authplain.${DOMAIN}`,
  preauth: `preauth.${DOMAIN}`,
  web: `web.${DOMAIN}`,
  oauthProvider: `auth.${DOMAIN}`,
  oauthImap: `oauth.${DOMAIN}`,
  oauthSmtp: `oauth-smtp.${DOMAIN}`,
}

// Extra names pointing at the good servers (what autoconfig/MX discovery would find).
export const ALIASES: Record<string, ServerKey> = {
  [`mail.${DOMAIN}`]: 'exim',
  [`pop.${DOMAIN}`]: 'dovecot',
  // What a mail client fetches over HTTP(S) for a domain: autoconfig, the ISP database, MTA-STS.
  [`autoconfig.${DOMAIN}`]: 'web',
  [`mta-sts.${DOMAIN}`]: 'web',
  [`ispdb.${DOMAIN}`]: 'web',
}

// The bare domain is the web server's (as for most real domains), so that
// https://lab.test/.well-known/autoconfig/... is answered; mail goes to MX mail.lab.test (Exim).
export const BARE_DOMAIN_SERVER: ServerKey = 'web'

export const PORT = {
  dns: 53,
  smtp: 25,
  submissions: 465,
  submission: 587,
  pop3: 110,
  pop3s: 995,
  imap: 143,
  imaps: 993,
  lmtp: 24,
  http: 80,
  https: 443,
} as const

// Ports each server listens on (TCP). dnsmasq also listens on UDP 53.
export const LISTENS: Record<ServerKey, readonly number[]> = {
  dns: [PORT.dns],
  dovecot: [PORT.imap, PORT.imaps, PORT.pop3, PORT.pop3s],
  exim: [PORT.smtp, PORT.submissions, PORT.submission],
  perdition: [PORT.imap, PORT.imaps, PORT.pop3, PORT.pop3s],
  backend: [PORT.imap, PORT.pop3, PORT.lmtp],
  plaintext: [PORT.imap, PORT.pop3],
  expired: [PORT.imap, PORT.imaps, PORT.pop3, PORT.pop3s],
  wrongHost: [PORT.imap, PORT.imaps, PORT.pop3, PORT.pop3s],
  selfSigned: [PORT.imap, PORT.imaps, PORT.pop3, PORT.pop3s],
  oldTls: [PORT.imap, PORT.imaps, PORT.pop3, PORT.pop3s],
  authBeforeTls: [PORT.submission],
  preauth: [PORT.imap],
  web: [PORT.http, PORT.https],
  oauthProvider: [PORT.https],
  // LMTP: the OAuth Exim delivers into this Dovecot's own copy of alice's mailbox.
  oauthImap: [PORT.imap, PORT.imaps, PORT.pop3, PORT.pop3s, PORT.lmtp],
  oauthSmtp: [PORT.submissions, PORT.submission],
}

export const USER = {
  name: 'alice',
  address: `alice@${DOMAIN}`,
  // Not a secret: a fixed test credential, also written to the state file.
  password: 'wonderland-lab-pw',
} as const

export const DKIM = { domain: DOMAIN, selector: 'mwlab' } as const

// Unix account owning the Maildir (Dovecot refuses to run mail processes as root).
export const MAIL_OWNER = 'mwlab'

// The name the wrong-host certificate is issued for.
export const WRONG_HOST_CERT_NAME = 'other.example.net'
