// POP3 through the tunnel. Server → client: the CAPA list loses STLS; multi-line answers (RETR,
// TOP, LIST, UIDL, CAPA) are followed to their "." so a message line reading "STLS" is left alone.
// Client → server: STLS gets a local -ERR; PASS, APOP and AUTH (with its SASL lines) are redacted.

import { ClientFilter } from './client-filter.js'
import { MAX_POP3_PENDING_COMMANDS } from './limits.js'
import { EMPTY, LineStream, text } from './line-stream.js'
import { type CommandRecorder, REDACTED } from './recorder.js'

/** Commands awaiting an answer, oldest first (RFC 2449 PIPELINING keeps answers in order). */
interface Pending {
  verb: string
  hasArgument: boolean
}

function isMultiLine(pending: Pending): boolean {
  switch (pending.verb) {
    case 'CAPA':
    case 'RETR':
    case 'TOP':
      return true
    case 'LIST':
    case 'UIDL':
    case 'AUTH':
      // Without an argument: the whole list (AUTH: the mechanisms, as Dovecot answers it).
      return !pending.hasArgument
    default:
      return false
  }
}

/** The commands whose answer says whether the login worked (AUTH alone lists the mechanisms). */
function isLogin(pending: Pending): boolean {
  return (
    pending.verb === 'PASS' || pending.verb === 'APOP' || (pending.verb === 'AUTH' && pending.hasArgument)
  )
}

export class Pop3FromServer extends LineStream {
  readonly pending: Pending[] = []
  /** AUTH in progress: client lines are SASL responses until the final +OK / -ERR. */
  sasl = false
  #multi = false
  #capa = false
  /** The client was already greeted by us (a local STLS side): the server's greeting is dropped. */
  #dropGreeting: boolean
  readonly #recorder: CommandRecorder | null

  constructor(serverGreets: boolean, dropGreeting = false, recorder: CommandRecorder | null = null) {
    super()
    this.#recorder = recorder
    if (serverGreets) this.pending.push({ verb: 'GREETING', hasArgument: false })
    this.#dropGreeting = serverGreets && dropGreeting
  }

  /** A RETR, TOP, LIST or UIDL answer's lines pass by a byte search for their "." (CAPA's are read). */
  protected override get dottedBody(): boolean {
    return this.#multi && !this.#capa
  }

  protected line(line: Buffer): Buffer | null {
    const value = text(line)
    if (this.#multi) {
      if (value === '.') {
        this.#multi = false
        this.#capa = false
      } else if (this.#capa) {
        const word = (value.startsWith('..') ? value.slice(1) : value).trim().split(/\s+/)[0]?.toUpperCase()
        if (word === 'STLS') return EMPTY
      }
      return null
    }
    const head = this.pending[0]
    if (head?.verb === 'GREETING' && this.#dropGreeting) {
      this.#dropGreeting = false
      this.pending.shift()
      return EMPTY
    }
    if (head?.verb === 'AUTH' && this.sasl && (value === '+' || value.startsWith('+ '))) return null
    this.pending.shift()
    if (head?.verb === 'AUTH') this.sasl = false
    if (head && isLogin(head)) {
      if (/^\+OK\b/i.test(value)) this.#recorder?.loginAnswered(true)
      else if (/^-ERR\b/i.test(value)) this.#recorder?.loginAnswered(false)
    }
    if (head && /^\+OK\b/i.test(value) && isMultiLine(head)) {
      this.#multi = true
      this.#capa = head.verb === 'CAPA'
    }
    return null
  }
}

export class Pop3FromClient extends ClientFilter {
  readonly #server: Pop3FromServer

  constructor(server: Pop3FromServer, recorder: CommandRecorder) {
    super(server, recorder)
    this.#server = server
  }

  protected inSasl(): boolean {
    return this.#server.sasl
  }

  protected command(value: string): Buffer | null {
    const [word = '', ...args] = value.trim().split(/\s+/)
    const verb = word.toUpperCase()
    if (verb === 'STLS')
      return this.refuse(
        value,
        '-ERR STLS is not available here: Mailwarden already encrypts this connection.\r\n',
      )
    if (this.#server.pending.length >= MAX_POP3_PENDING_COMMANDS)
      throw new Error('The client sent too many commands without reading the answers.')
    this.#server.pending.push({ verb, hasArgument: args.length > 0 })
    if (verb === 'PASS') this.recorder.add(`PASS ${REDACTED}`)
    else if (verb === 'APOP') this.recorder.add(`APOP ${args[0] ?? ''} ${REDACTED}`)
    else if (verb === 'AUTH' && args.length > 0) {
      this.#server.sasl = true
      this.recorder.add(`AUTH ${args[0]}${args.length > 1 ? ` ${REDACTED}` : ''}`)
    } else this.recorder.add(value)
    return null
  }
}
