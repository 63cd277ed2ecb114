// The IMAP side of the sign-in gate. The client sees the server's capabilities without its SASL
// mechanisms, STARTTLS or LOGINDISABLED, and with AUTH=PLAIN and SASL-IR (LOGIN is always there
// in IMAP4rev1); it may say CAPABILITY, NOOP, ID and LOGOUT, then LOGIN (atoms, quoted strings or
// literals, LITERAL+ too) or AUTHENTICATE PLAIN (with or without an initial response). Upstream:
// AUTHENTICATE XOAUTH2/OAUTHBEARER, inline when the server has SASL-IR.
import { NetError } from '../../net/errors.js'
import { oneLine } from '../greeting.js'
import { rewriteImapServerLine } from '../imap-filter.js'
import { MAX_SIGN_IN_LITERAL_BYTES, MAX_SIGN_IN_SERVER_LINES } from '../limits.js'
import { type CommandRecorder, REDACTED } from '../recorder.js'
import { imapArguments, literalMarker } from './imap-args.js'
import type { ClientLogin, ClientStep, GateProtocol, LoginAnswers, Talk, UpstreamResult } from './protocol.js'
import { decodePlain, type UpstreamMechanism } from './sasl.js'
import { type ServerLine, saslExchange } from './upstream-sasl.js'

/** Literals one pre-login command may carry (LOGIN has two). */
const MAX_LITERALS = 4
const NOT_HERE = /^(AUTH=|STARTTLS$|LOGINDISABLED$|SASL-IR$|COMPRESS=|LOGIN-REFERRALS$|IMAP4REV1$)/i
const CAPABILITY_CODE = /\[CAPABILITY ([^\]]*)\]/i

export interface ImapGateOptions {
  /** The greeting made while opening a STARTTLS upstream (it carries the capabilities); null:
   * implicit TLS, the server's own greeting is read here. */
  greeting: string | null
  recorder: CommandRecorder
  /** "imap.example.net:993", in the greeting. */
  upstreamName: string
}

export class ImapGate implements GateProtocol {
  readonly #options: ImapGateOptions
  #caps: string[] = []
  #tags = 0

  constructor(options: ImapGateOptions) {
    this.#options = options
  }

  async prepare(server: Talk): Promise<void> {
    const greeting = this.#options.greeting?.replace(/\r\n$/, '') ?? (await server.line())
    if (/^\* PREAUTH\b/i.test(greeting))
      throw new NetError(
        'preauth',
        'The server logged the session in before any login (PREAUTH); an OAuth login cannot follow.',
      )
    if (!/^\* OK\b/i.test(greeting))
      throw new NetError('protocol', `The server refused the session: ${oneLine(greeting)}`, {
        id: 'session-refused',
      })
    const code = CAPABILITY_CODE.exec(greeting)
    if (code) {
      this.#caps = (code[1] ?? '').split(' ').filter(Boolean)
      return
    }
    const tag = this.#tag()
    server.write(`${tag} CAPABILITY\r\n`)
    for (let n = 0; n < MAX_SIGN_IN_SERVER_LINES; n++) {
      const line = await server.line()
      const untagged = /^\* CAPABILITY (.*)$/i.exec(line)
      if (untagged) this.#caps = (untagged[1] ?? '').split(' ').filter(Boolean)
      if (line.startsWith(`${tag} `)) return
    }
    throw new NetError('protocol', 'The server did not finish its CAPABILITY answer.')
  }

  offered(): readonly string[] {
    return this.#caps.filter((c) => /^AUTH=/i.test(c)).map((c) => c.slice(5))
  }

  /** What the client is offered: the server's capabilities, its ways of logging in replaced. */
  capabilities(): string {
    return ['IMAP4rev1', ...this.#caps.filter((c) => !NOT_HERE.test(c)), 'SASL-IR', 'AUTH=PLAIN'].join(' ')
  }

  greeting(): string {
    return `* OK [CAPABILITY ${this.capabilities()}] Mailwarden: ${this.#options.upstreamName} through a signed-in tunnel; log in with the local password.\r\n`
  }

  async command(line: string, client: Talk): Promise<ClientStep> {
    const tag = /^[^\s(){%*"\\\]]+/.exec(line)?.[0]
    if (!tag) {
      this.#options.recorder.add(line)
      client.write('* BAD Mailwarden: a command starts with a tag.\r\n')
      return { kind: 'answered' }
    }
    const verb = (line.slice(tag.length + 1).split(' ')[0] ?? '').toUpperCase()
    const command = await this.#collect(tag, line, client)
    if (command === null) return { kind: 'answered' }
    const record = (text: string) => this.#options.recorder.add(text)
    switch (verb) {
      case 'LOGIN': {
        record(`${tag} LOGIN ${REDACTED}`)
        const args = imapArguments(command.lines, command.literals)
        const login = args?.length === 4 ? { user: args[2] ?? '', password: args[3] ?? '' } : null
        return { kind: 'login', login, answers: this.#answers(tag) }
      }
      case 'AUTHENTICATE':
        return this.#authenticate(tag, command.lines[0] ?? '', client)
      case 'CAPABILITY':
        record(line)
        client.write(`* CAPABILITY ${this.capabilities()}\r\n${tag} OK CAPABILITY completed\r\n`)
        return { kind: 'answered' }
      case 'NOOP':
        record(line)
        client.write(`${tag} OK NOOP completed\r\n`)
        return { kind: 'answered' }
      case 'ID':
        record(line)
        client.write(`* ID ("name" "Mailwarden")\r\n${tag} OK ID completed\r\n`)
        return { kind: 'answered' }
      case 'LOGOUT':
        record(line)
        client.write(`* BYE Mailwarden: logging out\r\n${tag} OK LOGOUT completed\r\n`)
        return { kind: 'close' }
      case 'STARTTLS':
        record(line)
        client.write(
          `${tag} BAD STARTTLS is not available here: Mailwarden already encrypts this connection to the server.\r\n`,
        )
        return { kind: 'answered' }
      default:
        record(line)
        client.write(`${tag} BAD Log in first: ${oneLine(verb) || 'this'} is not valid before LOGIN.\r\n`)
        return { kind: 'answered' }
    }
  }

  authenticate(server: Talk, mechanism: UpstreamMechanism, response: string): Promise<UpstreamResult> {
    const tag = this.#tag()
    const saslIr = this.#caps.some((c) => c.toUpperCase() === 'SASL-IR')
    return saslExchange(
      server,
      {
        start: (mech, initial) => `${tag} AUTHENTICATE ${mech}${initial === null ? '' : ` ${initial}`}`,
        inline: () => saslIr,
        classify: (line): ServerLine => {
          if (line === '+' || line.startsWith('+ ')) return { kind: 'challenge', payload: line.slice(2) }
          if (line.startsWith(`${tag} `)) {
            const rest = line.slice(tag.length + 1)
            return /^OK\b/i.test(rest) ? { kind: 'ok' } : { kind: 'fail', text: rest }
          }
          if (/^\* BYE\b/i.test(line)) return { kind: 'fail', text: line.slice(2) }
          return { kind: 'more', text: '' }
        },
      },
      mechanism,
      response,
    )
  }

  #tag(): string {
    return `MW${++this.#tags}`
  }

  #answers(tag: string): LoginAnswers {
    return {
      success: (serverLine) => {
        const rest = serverLine.replace(/^\S+ /, '')
        const line = `${tag} ${rest}`
        return `${rewriteImapServerLine(line) ?? line}\r\n`
      },
      failure: (kind, sentence) =>
        `${tag} NO [${kind === 'temporary' ? 'UNAVAILABLE' : 'AUTHENTICATIONFAILED'}] ${oneLine(sentence)}\r\n`,
    }
  }

  async #authenticate(tag: string, line: string, client: Talk): Promise<ClientStep> {
    const [, , mechanism = '', initial] = line.split(' ')
    this.#options.recorder.add(
      `${tag} AUTHENTICATE ${oneLine(mechanism)}${initial === undefined ? '' : ` ${REDACTED}`}`,
    )
    if (mechanism.toUpperCase() !== 'PLAIN') {
      client.write(
        `${tag} NO [CANNOT] Only AUTHENTICATE PLAIN and LOGIN are offered here (Mailwarden signs in to the server with OAuth 2.0).\r\n`,
      )
      return { kind: 'answered' }
    }
    let response = initial
    if (response === undefined) {
      client.write('+ \r\n')
      response = await client.line()
      this.#options.recorder.add(`${REDACTED} (SASL response)`)
    }
    if (response === '*') {
      client.write(`${tag} BAD AUTHENTICATE cancelled\r\n`)
      return { kind: 'answered' }
    }
    const plain = decodePlain(response === '=' ? '' : response)
    const login: ClientLogin | null =
      plain && (plain.authzid === '' || plain.authzid === plain.user) ? plain : null
    return { kind: 'login', login, answers: this.#answers(tag) }
  }

  /** The command's lines and literals: a synchronizing literal is invited with "+", a LITERAL+
   * one just read. Null when refused (a literal too long, answered BAD). */
  async #collect(
    tag: string,
    first: string,
    client: Talk,
  ): Promise<{ lines: string[]; literals: Buffer[] } | null> {
    const lines = [first]
    const literals: Buffer[] = []
    for (let marker = literalMarker(first); marker; ) {
      if (marker.length > MAX_SIGN_IN_LITERAL_BYTES || literals.length >= MAX_LITERALS) {
        // A LITERAL+ sender sends its bytes anyway: they could be read as commands, so the
        // connection ends; a synchronizing one waits for "+" and is refused.
        if (marker.plus)
          throw new NetError('too-much-data', 'The client sent a literal too long for a login.')
        client.write(`${tag} BAD A literal this long is not accepted before LOGIN.\r\n`)
        return null
      }
      if (!marker.plus) client.write('+ Ready for literal data\r\n')
      literals.push(await client.bytes(marker.length))
      const next = await client.line()
      lines.push(next)
      marker = literalMarker(next)
    }
    return { lines, literals }
  }
}
