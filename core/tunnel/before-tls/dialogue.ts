// What the tunnel says to a device on its local STARTTLS side before TLS, without the server: the
// dialogue of each protocol (imap.ts, pop3.ts, smtp.ts) answers one line at a time.
import type { MailProtocol } from '../../../shared/contract/mail.js'
import { smtpDomain } from '../greeting.js'
import type { Dialogue } from './answer.js'
import { imapBeforeTls } from './imap.js'
import { pop3BeforeTls } from './pop3.js'
import { smtpBeforeTls } from './smtp.js'

export function beforeTlsDialogue(protocol: MailProtocol, domain: string): Dialogue {
  switch (protocol) {
    case 'imap':
      return imapBeforeTls
    case 'pop3':
      return pop3BeforeTls
    case 'smtp':
      return smtpBeforeTls(smtpDomain(domain))
  }
}
