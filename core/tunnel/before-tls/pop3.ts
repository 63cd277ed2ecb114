// POP3 before TLS on a local STARTTLS side: CAPA, STLS and QUIT only (RFC 2595).
import { REDACTED } from '../recorder.js'
import type { BeforeTlsAnswer } from './answer.js'

export const pop3BeforeTls = {
  greeting: '+OK Mailwarden tunnel ready; STLS first.\r\n',
  /** Like a careful server (RFC 2595): only CAPA, STLS and QUIT before TLS; no USER, PASS, AUTH. */
  answer(line: string): BeforeTlsAnswer {
    const verb = (line.trim().split(/\s+/)[0] ?? '').toUpperCase()
    switch (verb) {
      case 'CAPA':
        return { reply: '+OK Capability list follows\r\nSTLS\r\n.\r\n', next: 'continue', record: line }
      case 'STLS':
        return { reply: '+OK Begin TLS negotiation\r\n', next: 'upgrade', record: line }
      case 'QUIT':
        return { reply: '+OK Bye\r\n', next: 'close', record: line }
      case 'USER':
      case 'PASS':
      case 'APOP':
      case 'AUTH':
        return {
          reply: '-ERR [AUTH] Must issue STLS first: no login without TLS.\r\n',
          next: 'continue',
          record: `${verb} ${REDACTED}`,
          ...(verb === 'USER' ? {} : { refusedLogin: true as const }),
        }
      default:
        return { reply: '-ERR Must issue STLS first.\r\n', next: 'continue', record: line }
    }
  },
}
