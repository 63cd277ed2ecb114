// IMAP through the tunnel. Server → client: capability lists (untagged CAPABILITY, and the
// [CAPABILITY ...] response code of a greeting or of a LOGIN/AUTHENTICATE OK) lose STARTTLS,
// LOGINDISABLED and COMPRESS (compression would hide the stream from this filter), literals pass
// untouched. Client → server: STARTTLS and COMPRESS get a local BAD, LOGIN and SASL are redacted
// in the record, literals pass untouched.
import { ClientFilter } from './client-filter.js'
import { MAX_IMAP_RESPONSE_HEAD_BYTES } from './limits.js'
import { EMPTY, LineStream, literalLength, text } from './line-stream.js'
import { type CommandRecorder, REDACTED } from './recorder.js'

const HIDDEN = (atom: string) => {
  const upper = atom.toUpperCase()
  return upper === 'STARTTLS' || upper === 'LOGINDISABLED' || upper.startsWith('COMPRESS=')
}

export function filterImapAtoms(atoms: string): string {
  return atoms
    .split(' ')
    .filter((a) => a.length > 0 && !HIDDEN(a))
    .join(' ')
}

const UNTAGGED_CAPABILITY = /^(\* CAPABILITY )(.*)$/i
const CODE_CAPABILITY = /^(\S+ (?:OK|NO|BAD|PREAUTH|BYE) \[CAPABILITY )([^\]]*)(\].*)$/i

/** Rewrites one server line when it carries a capability list; null when it does not. */
export function rewriteImapServerLine(line: string): string | null {
  const untagged = UNTAGGED_CAPABILITY.exec(line)
  if (untagged) return `${untagged[1]}${filterImapAtoms(untagged[2] ?? '')}`
  const code = CODE_CAPABILITY.exec(line)
  if (code) return `${code[1]}${filterImapAtoms(code[2] ?? '')}${code[3]}`
  return null
}

export class ImapFromServer extends LineStream {
  /** The tag of an AUTHENTICATE in progress: client lines are SASL responses until it completes. */
  saslTag: string | null = null
  /** The tag of a LOGIN or AUTHENTICATE awaiting its tagged answer (OK: logged in; NO/BAD: refused). */
  loginTag: string | null = null
  /** The client was already greeted by us (a local STARTTLS side): the server's greeting is dropped. */
  #dropGreeting: boolean
  readonly #recorder: CommandRecorder | null

  constructor(dropGreeting = false, recorder: CommandRecorder | null = null) {
    super()
    this.#dropGreeting = dropGreeting
    this.#recorder = recorder
  }

  protected line(line: Buffer): Buffer | null {
    if (this.#dropGreeting) {
      this.#dropGreeting = false
      return EMPTY
    }
    const head = line.toString('latin1', 0, Math.min(line.length, MAX_IMAP_RESPONSE_HEAD_BYTES)).toUpperCase()
    let out: Buffer | null = null
    const value = text(line)
    if (this.saslTag && value.startsWith(`${this.saslTag} `)) this.saslTag = null
    // Only while a login waits for its answer: one prefix compare, no work for any other line.
    const tag = this.loginTag
    if (tag !== null && value.startsWith(tag) && value.charCodeAt(tag.length) === 0x20) {
      this.loginTag = null
      this.#recorder?.loginAnswered(/^OK\b/i.test(value.slice(tag.length + 1, tag.length + 4)))
    }
    if (head.includes('CAPABILITY')) {
      const rewritten = rewriteImapServerLine(value)
      if (rewritten !== null) out = Buffer.from(`${rewritten}\r\n`, 'latin1')
    }
    const literal = literalLength(value)
    if (literal !== null) this.raw = literal
    return out
  }

  protected override longLine(tail: Buffer): void {
    const literal = literalLength(text(tail))
    if (literal !== null) this.raw = literal
  }
}

export class ImapFromClient extends ClientFilter {
  readonly #server: ImapFromServer
  /** After a literal the line goes on: the next line is not a new command. */
  #continuation = false
  /** The command in progress carries a credential (LOGIN): its continuations are not recorded. */
  #secret = false

  constructor(server: ImapFromServer, recorder: CommandRecorder) {
    super(server, recorder)
    this.#server = server
  }

  /** A SASL response (base64 credentials) or "*" to cancel, until AUTHENTICATE's tagged answer. */
  protected inSasl(): boolean {
    return this.#server.saslTag !== null
  }

  protected command(value: string): Buffer | null {
    const literal = literalLength(value)
    if (literal !== null) this.raw = literal
    if (this.#continuation) {
      this.#continuation = literal !== null
      if (!this.#secret && value) this.recorder.add(`… ${value}`)
      return null
    }
    this.#continuation = literal !== null
    const [tag = '', verb = '', ...rest] = value.split(' ')
    const command = verb.toUpperCase()
    this.#secret = command === 'LOGIN'
    if ((command === 'STARTTLS' || command === 'COMPRESS') && literal === null)
      return this.refuse(
        value,
        `${tag} BAD ${command} is not available here: Mailwarden already encrypts this connection to the server.\r\n`,
      )
    if (command === 'LOGIN') {
      this.#server.loginTag = tag
      this.recorder.add(`${tag} LOGIN ${REDACTED}`)
    } else if (command === 'AUTHENTICATE') {
      this.#server.saslTag = tag
      this.#server.loginTag = tag
      this.recorder.add(`${tag} AUTHENTICATE ${rest[0] ?? ''}${rest.length > 1 ? ` ${REDACTED}` : ''}`)
    } else this.recorder.add(value)
    return null
  }

  protected override longLine(tail: Buffer): void {
    const literal = literalLength(text(tail))
    if (literal !== null) this.raw = literal
    this.#continuation = literal !== null
  }
}
