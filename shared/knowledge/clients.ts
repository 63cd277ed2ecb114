// What each common mail client calls its connection-security choices, where the setting lives and
// which of its choices are traps, kept as data (as Thunderbird keeps its labels in locale files) so
// the CLI, the UI and the reports say the same thing. Each client names where its wording was
// checked; where it was not, it says so: a wrong label shown with confidence is worse than none.
import type { MailProtocol } from '../contract/mail.js'
import type { MailClientId } from '../contract/schemas.js'

/** How sure we are of a client's labels, and on what that rests. */
export interface WordingCheck {
  /** `checked`: compared with the client's own source or with public guides quoting its dialog. */
  status: 'checked' | 'not-verified'
  /** Where it was checked, or why it could not be. */
  source: string
}

/** A choice in the client's list that looks safe and is not. */
export interface ClientTrap {
  /** The label exactly as the client shows it. */
  label: string
  /** What it does, in one sentence. */
  risk: string
  kind: 'downgrade' | 'any-certificate' | 'password-in-clear' | 'by-port'
  /** Only a trap on this kind of endpoint (an "if available" choice matters only for STARTTLS). */
  only?: 'starttls'
}

export interface ClientProfile {
  id: MailClientId
  name: string
  /** The name of the field or switch that holds the choice. */
  field: string
  /** Label (or config line) for implicit TLS on 993/995/465. */
  implicitTls: string
  /** Label for STARTTLS on 143/110/587/25; null when the client has no way to say it. */
  startTls: string | null
  /** Label for no encryption. */
  none: string
  /** Where the incoming (IMAP/POP3) setting lives. */
  whereIncoming: string
  /** Where the outgoing (SMTP) setting lives. */
  whereOutgoing: string
  /** Protocols the client can be set up with by hand. */
  protocols: readonly MailProtocol[]
  /** The choices not to make. */
  traps: readonly ClientTrap[]
  /** What the client does with a certificate it cannot verify (the user's way to pin one). */
  untrustedCertificate: string
  /** Anything else the user must know to get it right. */
  notes: readonly string[]
  wording: WordingCheck
}

const ALL: readonly MailProtocol[] = ['imap', 'pop3', 'smtp']

export const CLIENTS: Record<MailClientId, ClientProfile> = {
  thunderbird: {
    id: 'thunderbird',
    name: 'Thunderbird',
    field: 'Connection security',
    implicitTls: 'SSL/TLS',
    startTls: 'STARTTLS',
    none: 'None',
    whereIncoming: 'Account Settings → (account) → Server Settings → Security Settings → Connection security',
    whereOutgoing: 'Account Settings → Outgoing Server (SMTP) → (server) → Edit… → Connection security',
    protocols: ALL,
    traps: [
      {
        label: 'STARTTLS, if available',
        only: 'starttls',
        kind: 'downgrade',
        risk: 'Older Thunderbird versions (socketType 1 in prefs.js) continue in plaintext when the STARTTLS offer is stripped; current versions no longer offer it, but an old profile may still carry it.',
      },
    ],
    untrustedCertificate:
      'Thunderbird shows "Add Security Exception"; tick "Permanently store this exception" only after comparing the SHA-256 fingerprint with the one Mailwarden shows.',
    notes: [
      'Thunderbird’s account setup wizard decides on STARTTLS from the word in the server’s capability list without performing it; check the result here.',
    ],
    wording: {
      status: 'not-verified',
      source:
        'From the Thunderbird account settings dialog as known to the authors and the prefs.js socketType values (0, 2, 3, and the old 1); not re-checked against its locale files in this build.',
    },
  },
  'k9-mail': {
    id: 'k9-mail',
    name: 'Thunderbird for Android / K-9 Mail',
    field: 'Security',
    implicitTls: 'SSL/TLS',
    startTls: 'StartTLS',
    none: 'None',
    whereIncoming: 'Settings → (account) → Fetching mail → Incoming server → Security',
    whereOutgoing: 'Settings → (account) → Sending mail → Outgoing server → Security',
    protocols: ALL,
    traps: [],
    untrustedCertificate:
      'The app shows "Invalid certificate" with the certificate details and "Accept key"; accept only after comparing the SHA-256 fingerprint.',
    notes: [
      'Old K-9 versions (before 5.0) also offered "(accept all certificates)" variants: never pick those.',
    ],
    wording: {
      status: 'not-verified',
      source:
        'From K-9 Mail / Thunderbird for Android server settings as known to the authors; capitalisation of "StartTLS" varies between versions and was not re-checked against its strings.',
    },
  },
  evolution: {
    id: 'evolution',
    name: 'Evolution',
    field: 'Encryption method',
    implicitTls: 'TLS on a dedicated port',
    startTls: 'STARTTLS after connecting',
    none: 'No encryption',
    whereIncoming: 'Edit → Accounts → (account) → Edit → Receiving Email → Security → Encryption method',
    whereOutgoing: 'Edit → Accounts → (account) → Edit → Sending Email → Security → Encryption method',
    protocols: ALL,
    traps: [],
    untrustedCertificate:
      'Evolution asks whether to accept the certificate ("Accept Permanently", "Accept Temporarily", "Reject"); accept permanently only after comparing the fingerprint.',
    notes: [
      '"Check for Supported Types" lists the login methods the server offers; prefer one that needs TLS.',
    ],
    wording: {
      status: 'checked',
      source:
        'Labels "TLS on a dedicated port" and "STARTTLS after connecting" as quoted by public Evolution setup write-ups (GitHub-hosted lab reports); menu path from memory.',
    },
  },
  outlook: {
    id: 'outlook',
    name: 'Outlook (classic, Windows)',
    field: 'Use the following type of encrypted connection',
    implicitTls: 'SSL/TLS',
    startTls: 'STARTTLS',
    none: 'None',
    whereIncoming:
      'File → Account Settings → Account Settings… → (account) → Change… → More Settings… → Advanced → Incoming server',
    whereOutgoing:
      'File → Account Settings → Account Settings… → (account) → Change… → More Settings… → Advanced → Outgoing server (SMTP)',
    protocols: ALL,
    traps: [
      {
        label: 'Auto',
        kind: 'downgrade',
        risk: 'Outlook picks the encryption itself and may settle for a weaker or no upgrade; a network attacker decides what it finds.',
      },
      {
        label: 'TLS',
        kind: 'by-port',
        risk: 'In older Outlook versions "TLS" in this list means STARTTLS and "SSL" means implicit TLS; choosing "TLS" on 993/995/465 fails, choosing "SSL" on 587 fails.',
      },
    ],
    untrustedCertificate:
      'Outlook shows a security alert ("The security certificate … is not trusted"); answering "Yes" lets this one connection through. To trust a self-signed certificate, import it into the Windows certificate store (Trusted Root Certification Authorities) after checking its fingerprint.',
    notes: [
      'Outlook 2010 and older label the list "SSL", "TLS", "Auto" and "None": there "TLS" means STARTTLS. Older POP3 dialogs show a checkbox "This server requires an encrypted connection (SSL)", which means implicit TLS (995).',
      'The newer single-page "IMAP Account Settings" dialog names the same list "Encryption method" with SSL/TLS, STARTTLS, Auto and None.',
    ],
    wording: {
      status: 'checked',
      source:
        'Field "Use the following type of encrypted connection" with SSL/TLS, STARTTLS and Auto (older: SSL, TLS) as quoted by several public provider setup guides; the "Encryption method" dialog from memory.',
    },
  },
  'outlook-new': {
    id: 'outlook-new',
    name: 'New Outlook (Windows) / Outlook on the web',
    field: 'Secure connection type',
    implicitTls: 'SSL/TLS',
    startTls: 'STARTTLS',
    none: 'None',
    whereIncoming: 'Settings → Accounts → Add account → (IMAP or POP) → Show more → Incoming server',
    whereOutgoing: 'Settings → Accounts → Add account → (IMAP or POP) → Show more → Outgoing SMTP server',
    protocols: ALL,
    traps: [],
    untrustedCertificate:
      'New Outlook connects to IMAP and POP servers from Microsoft’s cloud, not from your computer: a self-signed or private-CA certificate cannot be pinned, and a server reachable only on your own network cannot be added.',
    notes: [
      'Because the connection is made from Microsoft’s servers, what Mailwarden sees from your network may differ from what New Outlook sees.',
    ],
    wording: {
      status: 'not-verified',
      source: 'The field name and labels are from memory.',
    },
  },
  'apple-mail': {
    id: 'apple-mail',
    name: 'Apple Mail (macOS)',
    field: 'Use TLS/SSL',
    implicitTls: 'Use TLS/SSL (on, with the port set to the implicit-TLS port)',
    startTls: 'Use TLS/SSL (on, with the port set to the STARTTLS port)',
    none: 'Use TLS/SSL (off)',
    whereIncoming:
      'Mail → Settings → Accounts → (account) → Server Settings → Incoming Mail Server: untick "Automatically manage connection settings", then Port and "Use TLS/SSL"',
    whereOutgoing:
      'Mail → Settings → Accounts → (account) → Server Settings → Outgoing Mail Server: untick "Automatically manage connection settings", then Port and "Use TLS/SSL"',
    protocols: ALL,
    traps: [
      {
        label: 'Automatically manage connection settings',
        kind: 'downgrade',
        risk: 'Mail tries ports and encryption itself and has been seen switching an account to port 25 or to a weaker setting; turn it off and set the port.',
      },
      {
        label: 'Allow insecure authentication',
        kind: 'password-in-clear',
        risk: 'Lets Mail send the password in a form a listener can read when the server offers nothing better; leave it off.',
      },
    ],
    untrustedCertificate:
      'Mail shows "Mail can’t verify the identity of the server"; "Show Certificate" → "Always trust" adds it to the keychain: do so only after comparing the SHA-256 fingerprint.',
    notes: [
      'There is one "Use TLS/SSL" switch: Mail uses implicit TLS or STARTTLS depending on the port, so the port decides. Set the port Mailwarden names.',
    ],
    wording: {
      status: 'checked',
      source:
        '"Automatically manage connection settings", "Use TLS/SSL" and the Server Settings path as quoted by several public setup guides; "Allow insecure authentication" (Advanced, older versions) from memory.',
    },
  },
  'ios-mail': {
    id: 'ios-mail',
    name: 'iOS / iPadOS Mail',
    field: 'Use SSL',
    implicitTls: 'Use SSL (on, with Server Port set to the implicit-TLS port)',
    startTls: 'Use SSL (on, with Server Port set to the STARTTLS port)',
    none: 'Use SSL (off)',
    whereIncoming:
      'Settings → Apps → Mail → Mail Accounts → (account) → Account → Advanced → Incoming Settings',
    whereOutgoing: 'Settings → Apps → Mail → Mail Accounts → (account) → Account → SMTP → Primary Server',
    protocols: ALL,
    traps: [],
    untrustedCertificate:
      'iOS shows "Cannot Verify Server Identity"; "Details" → "Trust" accepts it for this account. Compare the fingerprint first.',
    notes: [
      'Like macOS Mail, the one "Use SSL" switch means implicit TLS or STARTTLS depending on the port.',
      'Older iOS versions put Mail under Settings → Passwords & Accounts, or Settings → Mail directly.',
    ],
    wording: {
      status: 'not-verified',
      source: 'Labels and paths are from memory and change between iOS versions.',
    },
  },
  'android-mail': {
    id: 'android-mail',
    name: 'Gmail app (other accounts) / older Android mail apps',
    field: 'Security type',
    implicitTls: 'SSL/TLS (older apps: SSL)',
    startTls: 'STARTTLS (older apps: TLS)',
    none: 'None',
    whereIncoming: 'Settings → (account) → Server settings → Incoming settings → Security type',
    whereOutgoing: 'Settings → (account) → Server settings → Outgoing settings → Security type',
    protocols: ALL,
    traps: [
      {
        label: 'SSL/TLS (Accept all certificates)',
        kind: 'any-certificate',
        risk: 'Accepts any certificate, so anyone who can intercept the connection gets the password.',
      },
      {
        label: 'STARTTLS (Accept all certificates)',
        kind: 'any-certificate',
        risk: 'Accepts any certificate, so anyone who can intercept the connection gets the password.',
      },
      {
        label: 'TLS',
        kind: 'by-port',
        risk: 'In the older Android mail apps "TLS" means STARTTLS and "SSL" means implicit TLS: "TLS" on 993 or "SSL" on 587 fails or silently misbehaves.',
      },
    ],
    untrustedCertificate:
      'These apps have no pinning: the only way past an untrusted certificate is an "(Accept all certificates)" choice, which accepts every certificate. Use a trusted certificate instead.',
    notes: [
      'Older apps (and some vendor mail apps) label the same choices "SSL", "SSL (Accept all certificates)", "TLS" and "TLS (Accept all certificates)".',
    ],
    wording: {
      status: 'checked',
      source:
        'The list None / SSL/TLS / SSL/TLS (accept all certificates) / STARTTLS / STARTTLS (accept all certificates) as in AOSP-derived Android mail app sources; the older "SSL"/"TLS" labels and menu paths from memory.',
    },
  },
  'em-client': {
    id: 'em-client',
    name: 'eM Client',
    field: 'Security policy',
    implicitTls: 'Use SSL/TLS on special port (legacy)',
    startTls: 'Use SSL/TLS (STARTTLS) — the option that requires it, not "if available"',
    none: 'Don’t use SSL/TLS',
    whereIncoming: 'Menu → Accounts → (account) → IMAP (or POP3) tab → Security policy',
    whereOutgoing: 'Menu → Accounts → (account) → SMTP tab → Security policy',
    protocols: ALL,
    traps: [
      {
        label: 'Use SSL/TLS if available',
        only: 'starttls',
        kind: 'downgrade',
        risk: 'Continues without encryption when the STARTTLS offer is missing, which a network attacker can arrange.',
      },
    ],
    untrustedCertificate:
      'eM Client shows a certificate warning with "Always trust this certificate"; use it only after comparing the fingerprint.',
    notes: ['eM Client calls implicit TLS "legacy", although RFC 8314 prefers it.'],
    wording: {
      status: 'not-verified',
      source: 'The field and option names are from memory.',
    },
  },
  mutt: {
    id: 'mutt',
    name: 'Mutt / NeoMutt',
    field: 'muttrc: URL scheme, ssl_starttls, ssl_force_tls',
    implicitTls: 'imaps:// pops:// smtps:// URLs, with set ssl_force_tls = yes',
    startTls: 'imap:// pop:// smtp:// URLs, with set ssl_starttls = yes and set ssl_force_tls = yes',
    none: 'imap:// pop:// smtp:// URLs with ssl_force_tls unset',
    whereIncoming: '~/.muttrc (or ~/.config/neomutt/neomuttrc): set folder / set spoolfile',
    whereOutgoing: '~/.muttrc (or ~/.config/neomutt/neomuttrc): set smtp_url',
    protocols: ALL,
    traps: [
      {
        label: 'ssl_starttls = yes without ssl_force_tls = yes',
        only: 'starttls',
        kind: 'downgrade',
        risk: 'Mutt upgrades when the server offers STARTTLS and continues in plaintext when it does not; only ssl_force_tls makes it refuse.',
      },
    ],
    untrustedCertificate:
      'Mutt prompts "(r)eject, accept (o)nce, (a)ccept always"; "accept always" stores the certificate in certificate_file: compare the fingerprint it prints first.',
    notes: [],
    wording: {
      status: 'checked',
      source:
        'Variables ssl_starttls, ssl_force_tls and the imaps:// / smtps:// URL forms as used in public muttrc files; the prompt text from memory.',
    },
  },
  generic: {
    id: 'generic',
    name: 'Other clients',
    field: 'Connection security (or Encryption)',
    implicitTls: 'SSL/TLS (sometimes just "SSL")',
    startTls: 'STARTTLS (sometimes just "TLS")',
    none: 'None',
    whereIncoming: 'the account’s incoming server settings',
    whereOutgoing: 'the account’s outgoing (SMTP) server settings',
    protocols: ALL,
    traps: [
      {
        label: 'Auto / if available',
        kind: 'downgrade',
        risk: 'Any "automatic" or "if available" choice lets a network attacker remove encryption.',
      },
      {
        label: 'Accept all certificates',
        kind: 'any-certificate',
        risk: 'Accepts any certificate, so anyone who can intercept the connection gets the password.',
      },
    ],
    untrustedCertificate:
      'Accept a certificate the client cannot verify only after comparing its SHA-256 fingerprint.',
    notes: [
      'Where a client offers only "SSL" and "TLS", "SSL" usually means implicit TLS and "TLS" means STARTTLS.',
    ],
    wording: {
      status: 'not-verified',
      source: 'Generic words, not one client’s: check them against your client’s own labels.',
    },
  },
}

export const CLIENT_IDS = Object.keys(CLIENTS) as MailClientId[]

/** The one sentence on how far a client's labels can be trusted, said once per result. */
export function wordingNote(id: MailClientId): string {
  const { name, wording } = CLIENTS[id]
  // Each source is a sentence of its own (it starts "From the … dialog"), so it follows one.
  if (wording.status === 'checked') return `${name}’s wording was checked. Source: ${wording.source}`
  if (id === 'generic') return wording.source
  return `${name}’s wording is not verified against ${name} itself. Source: ${wording.source}`
}

/** Finds a client by id or by a name a user may type on the command line ("k9", "Outlook"). */
export function findClient(name: string): ClientProfile | null {
  const key = name.trim().toLowerCase()
  if (Object.hasOwn(CLIENTS, key)) return CLIENTS[key as MailClientId]
  const aliases: Record<string, MailClientId> = {
    tb: 'thunderbird',
    k9: 'k9-mail',
    'k-9': 'k9-mail',
    'thunderbird-android': 'k9-mail',
    'new-outlook': 'outlook-new',
    'outlook-classic': 'outlook',
    apple: 'apple-mail',
    'mac-mail': 'apple-mail',
    ios: 'ios-mail',
    iphone: 'ios-mail',
    gmail: 'android-mail',
    android: 'android-mail',
    emclient: 'em-client',
    neomutt: 'mutt',
    other: 'generic',
  }
  const id = aliases[key]
  return id ? CLIENTS[id] : null
}
