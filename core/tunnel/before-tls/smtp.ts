// SMTP before TLS on a local STARTTLS side: EHLO, HELO, NOOP, RSET, QUIT and STARTTLS (RFC 3207).
import { REDACTED } from '../recorder.js'
import type { BeforeTlsAnswer } from './answer.js'

export function smtpBeforeTls(domain: string) {
  return {
    greeting: `220 ${domain} ESMTP Mailwarden tunnel ready; STARTTLS first\r\n`,
    /** Like a careful submission server (RFC 3207): nothing but EHLO/HELO, NOOP, RSET, QUIT and
     * STARTTLS before TLS; everything else gets 530. */
    answer(line: string): BeforeTlsAnswer {
      const verb = (line.trim().split(/\s+/)[0] ?? '').toUpperCase()
      switch (verb) {
        case 'EHLO':
          return { reply: `250-${domain}\r\n250 STARTTLS\r\n`, next: 'continue', record: line }
        case 'HELO':
          return { reply: `250 ${domain}\r\n`, next: 'continue', record: line }
        case 'NOOP':
        case 'RSET':
          return { reply: '250 2.0.0 OK\r\n', next: 'continue', record: line }
        case 'QUIT':
          return { reply: '221 2.0.0 Bye\r\n', next: 'close', record: line }
        case 'STARTTLS':
          return { reply: '220 2.0.0 Ready to start TLS\r\n', next: 'upgrade', record: line }
        default:
          return {
            reply: '530 5.7.0 Must issue a STARTTLS command first\r\n',
            next: 'continue',
            record: verb === 'AUTH' ? `AUTH ${REDACTED}` : line,
            ...(verb === 'AUTH' ? { refusedLogin: true as const } : {}),
          }
      }
    },
  }
}
