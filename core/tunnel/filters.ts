// What every protocol filter pair shares: the two directions of one connection and their state.
import type { MailProtocol } from '../../shared/contract/mail.js'
import { ImapFromClient, ImapFromServer } from './imap-filter.js'
import type { LineStream } from './line-stream.js'
import { Pop3FromClient, Pop3FromServer } from './pop3-filter.js'
import type { CommandRecorder } from './recorder.js'
import { SmtpFromClient, SmtpFromServer } from './smtp-filter.js'

export interface FilterPair {
  /** Client → server: refuses STARTTLS/STLS locally, records commands (redacted). */
  fromClient: LineStream
  /** Server → client: strips STARTTLS, STLS, LOGINDISABLED (and what would break parsing). */
  fromServer: LineStream
}

export interface FilterOptions {
  recorder: CommandRecorder
  /** Implicit TLS: the server's own greeting comes first (STARTTLS: we greet the client). */
  serverGreets: boolean
  /** A local STARTTLS side greeted the client itself: a server greeting is not passed on. */
  dropServerGreeting?: boolean
  /** An OAuth tunnel's SMTP: the AUTH line a later EHLO answer shows instead of the server's. */
  smtpAuthLine?: string | null
}

export function createFilters(protocol: MailProtocol, options: FilterOptions): FilterPair {
  switch (protocol) {
    case 'imap': {
      const fromServer = new ImapFromServer(
        options.serverGreets && options.dropServerGreeting === true,
        options.recorder,
      )
      return { fromServer, fromClient: new ImapFromClient(fromServer, options.recorder) }
    }
    case 'pop3': {
      const fromServer = new Pop3FromServer(
        options.serverGreets,
        options.dropServerGreeting === true,
        options.recorder,
      )
      return { fromServer, fromClient: new Pop3FromClient(fromServer, options.recorder) }
    }
    case 'smtp': {
      const fromServer = new SmtpFromServer(
        options.serverGreets && options.dropServerGreeting === true,
        options.recorder,
        options.smtpAuthLine ?? null,
      )
      return { fromServer, fromClient: new SmtpFromClient(fromServer, options.recorder) }
    }
  }
}
