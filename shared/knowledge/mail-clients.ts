// What each mail client calls its connection-security choices, kept as data (as Thunderbird
// keeps them in locale files) so the CLI and the UI say the same thing.
import type { MailClientId } from '../contract/schemas.js'

export interface MailClientWords {
  name: string
  /** The label for implicit TLS (993/995/465). */
  implicitTls: string
  /** The label for STARTTLS (143/110/587/25). */
  startTls: string
  /** The label for no encryption. */
  none: string
  /** Where the setting lives in that client. */
  where: string
}

export const MAIL_CLIENTS: Record<MailClientId, MailClientWords> = {
  thunderbird: {
    name: 'Thunderbird',
    implicitTls: 'SSL/TLS',
    startTls: 'STARTTLS',
    none: 'None',
    where: 'Account Settings → Server Settings → Connection security',
  },
  outlook: {
    name: 'Outlook',
    implicitTls: 'SSL/TLS',
    startTls: 'STARTTLS',
    none: 'None',
    where: 'Account settings → Server settings → Encryption method',
  },
  'apple-mail': {
    name: 'Apple Mail',
    implicitTls: 'Use TLS/SSL (on the standard SSL port)',
    startTls: 'Use TLS/SSL (on the standard STARTTLS port)',
    none: 'Use TLS/SSL unchecked',
    where: 'Settings → Accounts → Server Settings → Advanced IMAP Settings',
  },
  'k9-mail': {
    name: 'K-9 Mail / Thunderbird for Android',
    implicitTls: 'SSL/TLS',
    startTls: 'STARTTLS',
    none: 'None',
    where: 'Account settings → Incoming/Outgoing server → Security',
  },
  evolution: {
    name: 'Evolution',
    implicitTls: 'TLS on a dedicated port',
    startTls: 'STARTTLS after connecting',
    none: 'No encryption',
    where: 'Edit → Accounts → Receiving/Sending Email → Encryption method',
  },
  generic: {
    name: 'Other clients',
    implicitTls: 'SSL (implicit TLS)',
    startTls: 'TLS (STARTTLS)',
    none: 'No encryption',
    where: 'the account’s server settings',
  },
}
