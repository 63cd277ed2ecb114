// Words the tunnel says to a client in its own protocol: the refusal that ends a connection
// (IMAP "* BYE", POP3 "-ERR", SMTP "421"), always one clean line with the reason.
import type { MailProtocol } from '../../shared/contract/mail.js'
import { MAX_CLIENT_REASON_CHARS } from './limits.js'

/** One line, printable ASCII only: a server's words quoted in a reason must not break the protocol. */
export function oneLine(reason: string): string {
  const clean = reason.replace(/[^\x20-\x7e]+/g, ' ').trim()
  return clean.length > MAX_CLIENT_REASON_CHARS ? `${clean.slice(0, MAX_CLIENT_REASON_CHARS - 1)}…` : clean
}

/** A host name fit for an SMTP greeting (a name has no spaces or controls). */
export function smtpDomain(host: string): string {
  return host.replace(/[^A-Za-z0-9.:[\]-]/g, '') || 'mailwarden'
}

export function refusal(protocol: MailProtocol, reason: string): string {
  const text = `Mailwarden tunnel: ${oneLine(reason)}`
  switch (protocol) {
    case 'imap':
      return `* BYE [UNAVAILABLE] ${text}\r\n`
    case 'pop3':
      return `-ERR [SYS/TEMP] ${text}\r\n`
    case 'smtp':
      return `421 4.7.0 ${text}\r\n`
  }
}
