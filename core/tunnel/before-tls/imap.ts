// IMAP before TLS on a local STARTTLS side: like a careful server, STARTTLS first, no login in clear.
import { REDACTED } from '../recorder.js'
import type { BeforeTlsAnswer } from './answer.js'

const IMAP_BEFORE_TLS_CAPS = 'IMAP4rev1 STARTTLS LOGINDISABLED'

export const imapBeforeTls = {
  greeting: `* OK [CAPABILITY ${IMAP_BEFORE_TLS_CAPS}] Mailwarden tunnel ready; STARTTLS first.\r\n`,
  /** Like a careful server (RFC 3501 LOGINDISABLED, RFC 5530 PRIVACYREQUIRED): no login in clear. */
  answer(line: string): BeforeTlsAnswer {
    const [tag = '', verb = ''] = line.split(' ')
    const command = verb.toUpperCase()
    const t = /^[^\s(){%*"\\\]]+$/.test(tag) ? tag : '*'
    switch (command) {
      case 'CAPABILITY':
        return {
          reply: `* CAPABILITY ${IMAP_BEFORE_TLS_CAPS}\r\n${t} OK CAPABILITY completed\r\n`,
          next: 'continue',
          record: line,
        }
      case 'NOOP':
        return { reply: `${t} OK NOOP completed\r\n`, next: 'continue', record: line }
      case 'LOGOUT':
        return { reply: `* BYE Logging out\r\n${t} OK LOGOUT completed\r\n`, next: 'close', record: line }
      case 'STARTTLS':
        return { reply: `${t} OK Begin TLS negotiation now\r\n`, next: 'upgrade', record: line }
      case 'LOGIN':
      case 'AUTHENTICATE':
        return {
          reply: `${t} NO [PRIVACYREQUIRED] Must issue STARTTLS first: no login without TLS.\r\n`,
          next: 'continue',
          record: `${t} ${command} ${REDACTED}`,
          refusedLogin: true,
        }
      default:
        return { reply: `${t} BAD Must issue STARTTLS first.\r\n`, next: 'continue', record: line }
    }
  },
}
