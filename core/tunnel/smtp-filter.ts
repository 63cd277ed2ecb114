// SMTP through the tunnel. Server → client: an EHLO answer loses STARTTLS (the reply is held
// back whole, bounded, so its last line can be fixed); a 354 switches the client side to message
// data until its lone ".". Client → server: STARTTLS gets a local 502; BDAT chunks pass
// untouched; AUTH and its SASL lines are redacted in the record.

import { ClientFilter } from './client-filter.js'
import { MAX_HELD_REPLY_LINES } from './limits.js'
import { EMPTY, LineStream, text } from './line-stream.js'
import { type CommandRecorder, REDACTED } from './recorder.js'

const HIDDEN_KEYWORDS = new Set(['STARTTLS'])

/**
 * Drops hidden keyword lines (never the first line) and keeps the reply's last-line marker right.
 * `auth`: the server's AUTH lines are replaced by this one (an OAuth tunnel's sign-in gate offers
 * what it accepts from the client, "AUTH PLAIN LOGIN", not the server's XOAUTH2).
 */
export function filterEhloReply(lines: string[], auth: string | null = null): string[] {
  const kept = lines.filter((line, i) => {
    if (i === 0) return true
    const keyword = line.slice(4).trim().split(/[\s=]/)[0]?.toUpperCase() ?? ''
    return !HIDDEN_KEYWORDS.has(keyword) && !(auth !== null && keyword === 'AUTH')
  })
  if (auth !== null && kept.length > 0) kept.push(`${kept[0]?.slice(0, 3)} ${auth}`)
  return kept.map((line, i) => {
    const code = line.slice(0, 3)
    const rest = line.slice(4)
    return i === kept.length - 1 ? `${code} ${rest}` : `${code}-${rest}`
  })
}

export class SmtpFromServer extends LineStream {
  /** The client's message data (after 354) runs until its lone ".". */
  dataMode = false
  /** AUTH in progress: client lines are SASL responses until a reply that is not 334. */
  sasl = false
  #held: string[] = []
  /** The client was already greeted by us (a local STARTTLS side): the server's 220 is dropped. */
  #dropGreeting: boolean
  readonly #recorder: CommandRecorder | null
  /** An OAuth tunnel: the AUTH line of a later EHLO answer, replacing the server's. */
  readonly #auth: string | null

  constructor(dropGreeting = false, recorder: CommandRecorder | null = null, auth: string | null = null) {
    super()
    this.#dropGreeting = dropGreeting
    this.#recorder = recorder
    this.#auth = auth
  }

  protected line(line: Buffer): Buffer | null {
    const value = text(line)
    const match = /^(\d{3})([ -]?)/.exec(value)
    if (match && this.#dropGreeting) {
      // Each line of a multi-line 220 is dropped as it comes: nothing is held.
      if (match[2] !== '-') this.#dropGreeting = false
      return EMPTY
    }
    if (!match) {
      // Not SMTP: pass what was held and this line as they are.
      return this.#release([value], false)
    }
    if (match[2] === '-') {
      this.#held.push(value)
      if (this.#held.length >= MAX_HELD_REPLY_LINES) return this.#release([], false)
      return EMPTY
    }
    const code = Number(match[1])
    if (code === 354) this.dataMode = true
    if (this.sasl && code !== 334) {
      // The AUTH exchange ends here: 235 logged in; anything else (535, 454, 501...) refused it.
      this.sasl = false
      this.#recorder?.loginAnswered(code >= 200 && code < 300)
    }
    if (this.#held.length === 0) return null
    return this.#release([value], code === 250)
  }

  #release(last: string[], ehlo: boolean): Buffer {
    const lines = [...this.#held, ...last]
    this.#held = []
    const out = ehlo ? filterEhloReply(lines, this.#auth) : lines
    return Buffer.from(out.map((l) => `${l}\r\n`).join(''), 'latin1')
  }
}

export class SmtpFromClient extends ClientFilter {
  readonly #server: SmtpFromServer

  constructor(server: SmtpFromServer, recorder: CommandRecorder) {
    super(server, recorder)
    this.#server = server
  }

  protected inSasl(): boolean {
    return this.#server.sasl && !this.#server.dataMode
  }

  /** Message data passes by a byte search for its lone "."; no line is cut out or read. */
  protected override get dottedBody(): boolean {
    return this.#server.dataMode
  }

  protected command(value: string): Buffer | null {
    if (this.#server.dataMode) {
      if (value === '.') this.#server.dataMode = false
      return null
    }
    const [word = '', ...args] = value.trim().split(/\s+/)
    const verb = word.toUpperCase()
    if (verb === 'STARTTLS')
      return this.refuse(
        value,
        '502 5.5.1 STARTTLS is not available here: Mailwarden already encrypts this connection to the server.\r\n',
      )
    if (verb === 'BDAT') {
      const size = Number(args[0])
      if (Number.isSafeInteger(size) && size >= 0) this.raw = size
    }
    if (verb === 'AUTH') {
      this.#server.sasl = true
      this.recorder.add(`AUTH ${args[0] ?? ''}${args.length > 1 ? ` ${REDACTED}` : ''}`)
    } else this.recorder.add(value)
    return null
  }
}
