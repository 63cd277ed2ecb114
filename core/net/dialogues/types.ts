// What every protocol dialogue offers: read the greeting, list capabilities, ask for STARTTLS.
// Capabilities are parsed exactly (tokens), never by substring: a greeting that merely contains
// the word "STARTTLS" is not an offer.
import type { MailProtocol } from '../../../shared/contract/mail.js'
import type { Session } from '../session.js'

export interface Greeting {
  /** ok: ready for commands; preauth: IMAP logged in already; refused: 554 / BYE / -ERR; busy: 421 */
  status: 'ok' | 'preauth' | 'refused' | 'busy'
  /** The greeting lines as sent. */
  lines: string[]
  /** IMAP: capabilities in the greeting's [CAPABILITY ...] response code, if any. */
  capabilities: string[] | null
}

export interface Capabilities {
  /** Supported at all: false when the server rejected CAPABILITY / CAPA / EHLO. */
  known: boolean
  /** Each advertised capability, as sent (IMAP atoms, POP3 CAPA lines, EHLO keyword lines). */
  raw: string[]
  startTls: boolean
  /** SASL mechanisms offered (IMAP AUTH=X, POP3 SASL X Y, SMTP AUTH X Y), upper case. */
  authMechanisms: string[]
  /** IMAP LOGINDISABLED: the server refuses LOGIN here. */
  loginDisabled: boolean
  /** POP3 USER: USER/PASS accepted here; IMAP: LOGIN not disabled. */
  plaintextLogin: boolean
}

export interface StartTlsReply {
  accepted: boolean
  /** The server's reply line (or lines) to STARTTLS / STLS. */
  reply: string
}

export interface Dialogue {
  readonly protocol: MailProtocol
  /** The word the protocol uses: STARTTLS (IMAP, SMTP) or STLS (POP3). */
  readonly startTlsCommand: 'STARTTLS' | 'STLS'
  greeting(session: Session): Promise<Greeting>
  capabilities(session: Session): Promise<Capabilities>
  requestStartTls(session: Session): Promise<StartTlsReply>
}

export function noCapabilities(): Capabilities {
  return {
    known: false,
    raw: [],
    startTls: false,
    authMechanisms: [],
    loginDisabled: false,
    plaintextLogin: false,
  }
}
