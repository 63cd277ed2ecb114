// The one module tests import: where the lab's servers are, how to log in, which CA to trust.
// `getLab()` reads the state file `npm run lab:up` (or the test global setup) wrote.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface LabServer {
  /** Name in the lab DNS (resolves to `address` via the lab's dnsmasq). */
  host: string
  /** The server's own loopback address. */
  address: string
  /** TCP ports it listens on (standard ones). */
  ports: readonly number[]
  /** What is wrong with it, on purpose; undefined for good servers. */
  flaw?: string
}

export interface Lab {
  stateDir: string
  domain: string
  /** PEM file of the lab CA; good servers verify with it (`--ca`). */
  caPath: string
  dns: { address: string; port: number /** "address:port", as `--dns` takes it */; server: string }
  /** The DANE lab (e2e/lab/dnssec.ts): a validating resolver (answers with AD for lab.test) and
   * the authoritative server of the signed zone; "address:port" each. */
  dnssec: { resolver: string; authoritative: string }
  ports: {
    smtp: number
    submissions: number
    submission: number
    pop3: number
    pop3s: number
    imap: number
    imaps: number
    lmtp: number
  }
  user: {
    name: string
    address: string /** login name for IMAP, POP3 and SMTP AUTH */
    login: string
    password: string
  }
  /** The test user's Maildir (Exim delivers here through Dovecot LMTP). */
  maildir: string
  dkim: {
    domain: string
    selector: string /** the TXT record published at selector._domainkey.domain */
    txt: string
  }
  good: {
    /** Dovecot: IMAP 143 (STARTTLS, LOGINDISABLED before TLS), 993, POP3 110 (STLS), 995. */
    dovecot: LabServer
    /** Exim: 25 (STARTTLS), 465 (implicit TLS), 587 (STARTTLS, AUTH only after TLS), DKIM signing. */
    exim: LabServer
    /** Perdition proxy in front of Dovecot: 993/995 implicit TLS, 143/110 STARTTLS. */
    perdition: LabServer
    /** Dovecot's plaintext backend for Perdition (and LMTP 24 for Exim); not for clients. */
    backend: LabServer
  }
  flawed: {
    plaintext: LabServer
    expired: LabServer
    wrongHost: LabServer
    selfSigned: LabServer
    oldTls: LabServer
    authBeforeTls: LabServer
    preauth: LabServer
  }
  /**
   * nginx: autoconfig (HTTPS and HTTP), the ISP database copy and the MTA-STS policy, for the names
   * autoconfig., mta-sts., ispdb. and the bare domain (which points here; mail goes to the MX).
   */
  web: LabServer & {
    urls: {
      autoconfigHttps: string
      autoconfigHttp: string
      wellKnownHttps: string
      wellKnownHttp: string
      /** The `ispdbUrl` setting for the lab: the entry is this + the domain. */
      ispdbBase: string
      mtaStsPolicy: string
    }
  }
  /** Issue 18: the OAuth 2.0 provider and the mail servers that accept only its tokens. */
  oauth: LabOAuth
  /** Extra names in the lab DNS (MX target, pop.) and what they point to. */
  aliases: Record<string, string>
  /** The name the wrong-host certificate is for. */
  wrongHostCertName: string
  /** DKIM key records of the shared corpus published in the lab DNS (names only). */
  corpusDkimNames: readonly string[]
  startedAt: string
}

export interface LabOAuthServer {
  /** Name in the lab DNS; the certificate is for it (and for the address). */
  host: string
  address: string
  /** `starttls`: 143 (IMAP) / 110 (POP3) / 587 (SMTP); `tls`: 993 / 995 / 465. */
  ports: { starttls: number; tls: number }
}

export interface LabOAuth {
  /** https://auth.lab.test (oidc-provider); its name resolves to `provider.address` in the lab DNS. */
  issuer: string
  discoveryUrl: string
  provider: { host: string; address: string; port: number }
  endpoints: {
    authorization: string
    token: string
    device: string
    verification: string
    revocation: string
    introspection: string
    userinfo: string
  }
  /** Every scope the lab clients may ask for; `mailScope` is the one the OAuth Dovecot demands. */
  scopes: readonly string[]
  mailScope: string
  clients: {
    /** Public native client: PKCE S256, loopback redirect on any port, refresh tokens (rotated). */
    main: { clientId: string; redirectUri: string; accessTokenSeconds: number }
    /** As `main`, with access tokens that expire after a few seconds. */
    short: { clientId: string; redirectUri: string; accessTokenSeconds: number }
    /** Confidential (client_secret_basic), introspection only: what the OAuth Dovecot uses. */
    dovecot: { clientId: string; clientSecret: string }
  }
  /** The provider's account (the login form's address and password); also the mail login name. */
  user: { address: string; password: string }
  /** SASL mechanisms the OAuth servers offer (and nothing else). */
  mechanisms: readonly string[]
  imap: LabOAuthServer
  pop3: LabOAuthServer
  smtp: LabOAuthServer
  /** The OAuth Dovecot's own copy of the user's Maildir (the OAuth Exim delivers here). */
  maildir: string
  caPath: string
}

export function labStateDir(): string {
  // Absolute: the path goes into daemon configs and is how `down` recognises lab processes.
  return path.resolve(process.env.MAILWARDEN_LAB_DIR ?? path.join(os.tmpdir(), 'mailwarden-lab'))
}

export function labStateFile(): string {
  return path.join(labStateDir(), 'state.json')
}

/** The running lab; throws if `npm run lab:up` has not run (or `down` has). */
export function getLab(): Lab {
  const file = labStateFile()
  let raw: string
  try {
    raw = fs.readFileSync(file, 'utf8')
  } catch {
    throw new Error(`the mail lab is not up (no ${file}); run: npm run lab:up (as root)`)
  }
  const parsed = JSON.parse(raw) as { lab?: Lab }
  if (!parsed.lab) throw new Error(`${file} has no lab description; run: npm run lab:down && npm run lab:up`)
  const dead = deadProcesses(path.join(labStateDir(), 'processes.json'))
  if (dead.length > 0) {
    throw new Error(
      `the mail lab has crashed (${dead.join(', ')} not running); run: npm run lab:down && npm run lab:up`,
    )
  }
  return parsed.lab
}

// Cheap liveness check so a test fails with an instruction, not with ECONNREFUSED.
function deadProcesses(processesFile: string): string[] {
  let records: { name: string; pidFile: string }[]
  try {
    records = JSON.parse(fs.readFileSync(processesFile, 'utf8')) as { name: string; pidFile: string }[]
  } catch {
    return []
  }
  return records
    .filter((r) => {
      try {
        const pid = Number.parseInt(fs.readFileSync(r.pidFile, 'utf8'), 10)
        return /\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')) // zombie: dead, not reaped yet
      } catch {
        return true
      }
    })
    .map((r) => r.name)
}
