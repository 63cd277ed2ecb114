// The POP3 side of the sign-in gate. CAPA shows the server's capabilities without STLS and its own
// SASL list, with USER and SASL PLAIN (and the response codes the gate's errors use); before a login
// the client may say CAPA, AUTH (the list), QUIT, then USER+PASS or AUTH PLAIN (with or without an
// initial response). Upstream: AUTH XOAUTH2/OAUTHBEARER, the response after the server's "+" (a
// token does not fit RFC 2449's 255-octet command line).
import { NetError } from '../../net/errors.js'
import { oneLine } from '../greeting.js'
import { MAX_SIGN_IN_SERVER_LINES } from '../limits.js'
import { type CommandRecorder, REDACTED } from '../recorder.js'
import type { ClientLogin, ClientStep, GateProtocol, LoginAnswers, Talk, UpstreamResult } from './protocol.js'
import { decodePlain, type UpstreamMechanism } from './sasl.js'
import { saslExchange } from './upstream-sasl.js'

/** RFC 2449: a command line is at most 255 octets. */
const MAX_COMMAND_OCTETS = 255
const NOT_HERE = new Set(['STLS', 'SASL', 'USER', 'APOP'])

export interface Pop3GateOptions {
  /** A STARTTLS (STLS) upstream was greeted while opening it; implicit TLS: read here. */
  serverGreeted: boolean
  recorder: CommandRecorder
  upstreamName: string
}

export class Pop3Gate implements GateProtocol {
  readonly #options: Pop3GateOptions
  /** The server's CAPA lines (unstuffed), without the status line and the ".". */
  #caps: string[] = []
  #user: string | null = null

  constructor(options: Pop3GateOptions) {
    this.#options = options
  }

  async prepare(server: Talk): Promise<void> {
    if (!this.#options.serverGreeted) {
      const greeting = await server.line()
      if (!/^\+OK\b/i.test(greeting))
        throw new NetError('protocol', `The server refused the session: ${oneLine(greeting)}`, {
          id: 'session-refused',
        })
    }
    server.write('CAPA\r\n')
    const status = await server.line()
    if (!/^\+OK\b/i.test(status)) return
    for (let n = 0; n < MAX_SIGN_IN_SERVER_LINES; n++) {
      const line = await server.line()
      if (line === '.') return
      this.#caps.push(line.startsWith('..') ? line.slice(1) : line)
    }
    throw new NetError('protocol', 'The server did not finish its CAPA answer.')
  }

  offered(): readonly string[] {
    const sasl = this.#caps.find((c) => /^SASL\b/i.test(c))
    return sasl ? sasl.split(/\s+/).slice(1) : []
  }

  capabilities(): string[] {
    const kept = this.#caps.filter((c) => !NOT_HERE.has((c.split(/\s+/)[0] ?? '').toUpperCase()))
    const words = new Set(kept.map((c) => (c.split(/\s+/)[0] ?? '').toUpperCase()))
    const added = ['RESP-CODES', 'AUTH-RESP-CODE'].filter((c) => !words.has(c))
    return ['USER', 'SASL PLAIN', ...kept, ...added]
  }

  greeting(): string {
    return `+OK Mailwarden: ${this.#options.upstreamName} through a signed-in tunnel; log in with the local password.\r\n`
  }

  async command(line: string, client: Talk): Promise<ClientStep> {
    const [word = '', ...args] = line.trim().split(/\s+/)
    const verb = word.toUpperCase()
    const record = this.#options.recorder
    switch (verb) {
      case 'CAPA':
        record.add(line)
        client.write(`+OK Capability list follows\r\n${this.capabilities().join('\r\n')}\r\n.\r\n`)
        return { kind: 'answered' }
      case 'QUIT':
        record.add(line)
        client.write('+OK Mailwarden: bye\r\n')
        return { kind: 'close' }
      case 'USER':
        record.add(line)
        this.#user = line.trim().slice(5)
        client.write('+OK Now the local password, please.\r\n')
        return { kind: 'answered' }
      case 'PASS': {
        record.add(`PASS ${REDACTED}`)
        const user = this.#user
        this.#user = null
        if (user === null) {
          client.write('-ERR Send USER first.\r\n')
          return { kind: 'answered' }
        }
        // The password is the rest of the line: it may hold spaces.
        return {
          kind: 'login',
          login: { user, password: line.includes(' ') ? line.slice(line.indexOf(' ') + 1) : '' },
          answers: this.#answers(),
        }
      }
      case 'AUTH':
        return this.#auth(args, client)
      case 'STLS':
        record.add(line)
        client.write('-ERR STLS is not available here: Mailwarden already encrypts this connection.\r\n')
        return { kind: 'answered' }
      default:
        record.add(verb === 'APOP' ? `APOP ${args[0] ?? ''} ${REDACTED}` : line)
        client.write(`-ERR Log in first (USER and PASS, or AUTH PLAIN).\r\n`)
        return { kind: 'answered' }
    }
  }

  authenticate(server: Talk, mechanism: UpstreamMechanism, response: string): Promise<UpstreamResult> {
    return saslExchange(
      server,
      {
        start: (mech, initial) => `AUTH ${mech}${initial === null ? '' : ` ${initial}`}`,
        inline: (r) => `AUTH ${mechanism} ${r}`.length <= MAX_COMMAND_OCTETS - 2,
        classify: (line) => {
          if (line === '+' || line.startsWith('+ ')) return { kind: 'challenge', payload: line.slice(2) }
          if (/^\+OK\b/i.test(line)) return { kind: 'ok' }
          if (/^-ERR\b/i.test(line)) return { kind: 'fail', text: line.slice(4).trim() }
          return { kind: 'fail', text: `not POP3: ${line}` }
        },
      },
      mechanism,
      response,
    )
  }

  #answers(): LoginAnswers {
    return {
      success: (serverLine) => `${serverLine}\r\n`,
      failure: (kind, sentence) =>
        `-ERR [${kind === 'temporary' ? 'SYS/TEMP' : 'AUTH'}] ${oneLine(sentence)}\r\n`,
    }
  }

  async #auth(args: string[], client: Talk): Promise<ClientStep> {
    const [mechanism = '', initial] = args
    this.#options.recorder.add(
      `AUTH${mechanism ? ` ${oneLine(mechanism)}` : ''}${initial === undefined ? '' : ` ${REDACTED}`}`,
    )
    if (!mechanism) {
      client.write('+OK\r\nPLAIN\r\n.\r\n')
      return { kind: 'answered' }
    }
    if (mechanism.toUpperCase() !== 'PLAIN') {
      client.write(
        '-ERR Only PLAIN (and USER/PASS) is offered here: Mailwarden signs in to the server with OAuth 2.0.\r\n',
      )
      return { kind: 'answered' }
    }
    let response = initial
    if (response === undefined) {
      client.write('+ \r\n')
      response = await client.line()
      this.#options.recorder.add(`${REDACTED} (SASL response)`)
    }
    if (response.trim() === '*') {
      client.write('-ERR AUTH cancelled\r\n')
      return { kind: 'answered' }
    }
    const plain = decodePlain(response === '=' ? '' : response)
    const login: ClientLogin | null =
      plain && (plain.authzid === '' || plain.authzid === plain.user) ? plain : null
    return { kind: 'login', login, answers: this.#answers() }
  }
}
