// The SMTP side of the sign-in gate. The client's EHLO (or HELO) goes to the server and its answer
// comes back without STARTTLS and with "AUTH PLAIN LOGIN" in place of the server's AUTH line;
// NOOP, RSET and QUIT are answered here, mail commands before a login get 530. Logins: AUTH PLAIN
// (with or without an initial response) and AUTH LOGIN (its two 334 steps). Upstream: AUTH
// XOAUTH2/OAUTHBEARER with the response inline (RFC 4954 allows 12,288 octets).
import { NetError } from '../../net/errors.js'
import { oneLine, smtpDomain } from '../greeting.js'
import { MAX_SIGN_IN_SERVER_LINES } from '../limits.js'
import { type CommandRecorder, REDACTED } from '../recorder.js'
import { filterEhloReply } from '../smtp-filter.js'
import type { ClientLogin, ClientStep, GateProtocol, LoginAnswers, Talk, UpstreamResult } from './protocol.js'
import { decodeBase64Line, decodePlain, type UpstreamMechanism } from './sasl.js'
import { saslExchange } from './upstream-sasl.js'

/** What the client is offered instead of the server's AUTH line. */
export const SIGN_IN_SMTP_AUTH = 'AUTH PLAIN LOGIN'
/** RFC 4954 §4: an AUTH command line is at most 12,288 octets. */
const MAX_AUTH_LINE_OCTETS = 12_288
const USERNAME_PROMPT = Buffer.from('Username:').toString('base64')
const PASSWORD_PROMPT = Buffer.from('Password:').toString('base64')

export interface SmtpGateOptions {
  /** Implicit TLS: the server's 220 is read here (after STARTTLS the server waits for EHLO). */
  serverGreeted: boolean
  recorder: CommandRecorder
  upstreamHost: string
}

export class SmtpGate implements GateProtocol {
  readonly #options: SmtpGateOptions
  #mechanisms: string[] = []
  /** The last EHLO the server accepted (AUTH needs one, RFC 4954). */
  #ehlo = false

  constructor(options: SmtpGateOptions) {
    this.#options = options
  }

  async prepare(server: Talk): Promise<void> {
    if (this.#options.serverGreeted) return
    const greeting = await readReply(server)
    if (greeting.code !== 220)
      throw new NetError('protocol', `The server refused the session: ${oneLine(greeting.lines.join(' '))}`, {
        id: 'session-refused',
      })
  }

  offered(): readonly string[] {
    return this.#mechanisms
  }

  greeting(): string {
    return `220 ${smtpDomain(this.#options.upstreamHost)} ESMTP Mailwarden: signed-in tunnel; log in with the local password\r\n`
  }

  async command(line: string, client: Talk, server: Talk): Promise<ClientStep> {
    const [word = '', ...args] = line.trim().split(/\s+/)
    const verb = word.toUpperCase()
    const record = this.#options.recorder
    if (verb !== 'AUTH') record.add(line)
    switch (verb) {
      case 'EHLO':
      case 'HELO':
        client.write(await this.#hello(verb, args[0] ?? '', server))
        return { kind: 'answered' }
      case 'NOOP':
      case 'RSET':
        client.write('250 2.0.0 OK\r\n')
        return { kind: 'answered' }
      case 'QUIT':
        client.write('221 2.0.0 Mailwarden: bye\r\n')
        return { kind: 'close' }
      case 'STARTTLS':
        client.write(
          '502 5.5.1 STARTTLS is not available here: Mailwarden already encrypts this connection to the server.\r\n',
        )
        return { kind: 'answered' }
      case 'AUTH':
        record.add(`AUTH ${oneLine(args[0] ?? '')}${args.length > 1 ? ` ${REDACTED}` : ''}`)
        return this.#auth(args, client)
      default:
        client.write(
          '530 5.7.0 Authentication required: log in with AUTH PLAIN or LOGIN and the local password first.\r\n',
        )
        return { kind: 'answered' }
    }
  }

  authenticate(server: Talk, mechanism: UpstreamMechanism, response: string): Promise<UpstreamResult> {
    return saslExchange(
      server,
      {
        start: (mech, initial) => `AUTH ${mech}${initial === null ? '' : ` ${initial}`}`,
        inline: (r) => `AUTH ${mechanism} ${r}`.length <= MAX_AUTH_LINE_OCTETS - 2,
        classify: (line) => {
          const match = /^(\d{3})([ -]?)(.*)$/.exec(line)
          if (!match) return { kind: 'fail', text: `not SMTP: ${line}` }
          if (match[2] === '-') return { kind: 'more', text: match[3] ?? '' }
          if (match[1] === '334') return { kind: 'challenge', payload: match[3] ?? '' }
          if (match[1] === '235') return { kind: 'ok' }
          return { kind: 'fail', text: `${match[1]} ${match[3] ?? ''}` }
        },
      },
      mechanism,
      response,
    )
  }

  async #hello(verb: string, name: string, server: Talk): Promise<string> {
    // The name as a host name or an address literal: nothing else reaches the server's line.
    const clean = /^\[[0-9A-Fa-f:.IPv]+\]$/.test(name) ? name : smtpDomain(name)
    server.write(`${verb} ${clean}\r\n`)
    const reply = await readReply(server)
    this.#ehlo = verb === 'EHLO' && reply.code === 250
    if (!this.#ehlo) return reply.lines.map((l) => `${l}\r\n`).join('')
    this.#mechanisms = reply.lines
      .slice(1)
      .map((l) => l.slice(4).trim())
      .filter((l) => /^AUTH[\s=]/i.test(l))
      .flatMap((l) => l.slice(5).trim().split(/\s+/))
    return filterEhloReply(reply.lines, SIGN_IN_SMTP_AUTH)
      .map((l) => `${l}\r\n`)
      .join('')
  }

  #answers(): LoginAnswers {
    return {
      success: (serverLine) => `${serverLine}\r\n`,
      failure: (kind, sentence) =>
        kind === 'temporary' ? `454 4.7.0 ${oneLine(sentence)}\r\n` : `535 5.7.8 ${oneLine(sentence)}\r\n`,
    }
  }

  async #auth(args: string[], client: Talk): Promise<ClientStep> {
    const mechanism = (args[0] ?? '').toUpperCase()
    if (!this.#ehlo) {
      client.write('503 5.5.1 Send EHLO first.\r\n')
      return { kind: 'answered' }
    }
    if (mechanism !== 'PLAIN' && mechanism !== 'LOGIN') {
      client.write(
        '504 5.5.4 Only AUTH PLAIN and LOGIN are offered here: Mailwarden signs in to the server with OAuth 2.0.\r\n',
      )
      return { kind: 'answered' }
    }
    const ask = async (prompt: string, given: string | undefined): Promise<string | null> => {
      if (given !== undefined) return given
      client.write(`334 ${prompt}\r\n`)
      const answer = await client.line()
      this.#options.recorder.add(`${REDACTED} (SASL response)`)
      return answer.trim() === '*' ? null : answer
    }
    const cancelled = (): ClientStep => {
      client.write('501 5.7.0 AUTH cancelled\r\n')
      return { kind: 'answered' }
    }
    let login: ClientLogin | null
    if (mechanism === 'PLAIN') {
      const response = await ask('', args[1])
      if (response === null) return cancelled()
      const plain = decodePlain(response === '=' ? '' : response)
      login = plain && (plain.authzid === '' || plain.authzid === plain.user) ? plain : null
    } else {
      const user = await ask(USERNAME_PROMPT, args[1])
      if (user === null) return cancelled()
      const password = await ask(PASSWORD_PROMPT, undefined)
      if (password === null) return cancelled()
      const u = decodeBase64Line(user)
      const p = decodeBase64Line(password)
      login = u !== null && p !== null ? { user: u, password: p } : null
    }
    return { kind: 'login', login, answers: this.#answers() }
  }
}

/** One SMTP reply (all its lines); a line that is not SMTP is a protocol error. */
async function readReply(server: Talk): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = []
  for (let n = 0; n < MAX_SIGN_IN_SERVER_LINES; n++) {
    const line = await server.line()
    const match = /^(\d{3})([ -]?)/.exec(line)
    if (!match) throw new NetError('protocol', `The server's answer is not SMTP: ${oneLine(line)}`)
    lines.push(line)
    if (match[2] !== '-') return { code: Number(match[1]), lines }
  }
  throw new NetError('protocol', `The server's answer ran past ${MAX_SIGN_IN_SERVER_LINES} lines.`)
}
