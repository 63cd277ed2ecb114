// The sign-in gate of an OAuth tunnel (config.oauth): between opening the upstream and the pump,
// it greets the client, answers what a client says before its login, checks the login against the
// tunnel's local password, and logs in to the server with an access token (XOAUTH2 or
// OAUTHBEARER). A token the server refuses is refreshed once (force) and tried again; a refusal
// after that, or no token to be had, reaches the client in its protocol with the reason in one
// sentence (shared/knowledge/oauth-refusals.ts), and the tunnel's OAuth state is told (onResult).
// Bounded: a deadline for the whole gate, line and byte caps on both sides, a number of commands
// and of logins per connection, and a delay after each wrong local password.
import type net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { MailProtocol } from '../../../shared/contract/mail.js'
import type { TunnelOAuth } from '../../../shared/contract/tunnel-config.js'
import { explainOAuthRefusal } from '../../../shared/knowledge/oauth-refusals.js'
import { type AccessTokenSource, OAuthError } from '../../oauth/token-source.js'
import { oneLine } from '../greeting.js'
import {
  MAX_SIGN_IN_ATTEMPTS,
  MAX_SIGN_IN_CLIENT_BYTES,
  MAX_SIGN_IN_COMMANDS,
  MAX_SIGN_IN_LINE_BYTES,
  MAX_SIGN_IN_SERVER_BYTES,
  MAX_SIGN_IN_SERVER_LINE_BYTES,
  SIGN_IN_DEADLINE_MS,
  WRONG_LOCAL_PASSWORD_DELAY_MS,
} from '../limits.js'
import type { CommandRecorder } from '../recorder.js'
import type { Upstream } from '../upstream.js'
import { ImapGate } from './imap.js'
import { checkLocalLogin } from './local-password.js'
import { Pop3Gate } from './pop3.js'
import type { ClientStep, GateProtocol, LoginAnswers, Talk } from './protocol.js'
import { GateReader } from './reader.js'
import { chooseMechanism, oauthBearerResponse, xoauth2Response } from './sasl.js'
import { SmtpGate } from './smtp.js'

/** What an upstream login with a token came to, for the tunnel's OAuth state. */
export type SignInResult =
  | { state: 'ready' }
  | { state: 'needs-authorization' | 'refresh-failed'; error: string }
  /** The server refused a fresh token: the token source is fine, the login is not. */
  | { state: 'refused'; error: string }

/** What a tunnel with `oauth` gives its connections (the manager builds it; tests too). */
export interface SignInRuntime {
  tokens: AccessTokenSource
  /** SHA-256 of the local password; null when none is set (every login is refused). */
  localPasswordDigest(): Buffer | null
  onResult(result: SignInResult): void
  /** Overrides WRONG_LOCAL_PASSWORD_DELAY_MS (tests). */
  wrongPasswordDelayMs?: number
  /** Overrides SIGN_IN_DEADLINE_MS (tests). */
  deadlineMs?: number
}

export interface GateOptions {
  protocol: MailProtocol
  oauth: TunnelOAuth
  upstreamHost: string
  upstreamPort: number
  upstreamName: string
  runtime: SignInRuntime
  /** False when a local STARTTLS side greeted the client already (before its TLS). */
  greetClient: boolean
  recorder: CommandRecorder
  signal: AbortSignal
  /** A failure's sentence, for the connection's record (the last one counts). */
  report(sentence: string): void
}

/** signed-in: the pump takes over with the bytes each side sent beyond the login; closed: the
 * client said goodbye or used up its attempts (answered; both sockets are to be closed). */
export type GateOutcome = { kind: 'signed-in'; fromClient: Buffer; fromServer: Buffer } | { kind: 'closed' }

type LoginOutcome = 'signed-in' | 'refused'

/** Characters of the server's refusal quoted in the record and the state (a long one is cut). */
const MAX_QUOTED_REFUSAL_CHARS = 160

function protocolOf(options: GateOptions, upstream: Upstream): GateProtocol {
  const common = { recorder: options.recorder, upstreamName: options.upstreamName }
  switch (options.protocol) {
    case 'imap':
      return new ImapGate({ ...common, greeting: upstream.greeting })
    case 'pop3':
      return new Pop3Gate({ ...common, serverGreeted: upstream.greeting !== null })
    case 'smtp':
      return new SmtpGate({
        ...common,
        serverGreeted: upstream.greeting !== null,
        upstreamHost: options.upstreamHost,
      })
  }
}

function talk(reader: GateReader, socket: { write(text: string, encoding: 'latin1'): boolean }): Talk {
  return {
    line: () => reader.line(),
    bytes: (n) => reader.bytes(n),
    write: (text) => {
      socket.write(text, 'latin1')
    },
  }
}

/** Runs the gate; throws (a sentence) when a side broke the protocol, timed out or went away. */
export async function signIn(
  client: net.Socket,
  upstream: Upstream,
  options: GateOptions,
): Promise<GateOutcome> {
  const deadline = Date.now() + (options.runtime.deadlineMs ?? SIGN_IN_DEADLINE_MS)
  const clientReader = new GateReader('The client', {
    maxLineBytes: MAX_SIGN_IN_LINE_BYTES,
    maxTotalBytes: MAX_SIGN_IN_CLIENT_BYTES,
    deadline,
  }).fromSocket(client)
  const serverReader = new GateReader(options.upstreamName, {
    maxLineBytes: MAX_SIGN_IN_SERVER_LINE_BYTES,
    maxTotalBytes: MAX_SIGN_IN_SERVER_BYTES,
    deadline,
  })
  if (upstream.arena) serverReader.fromArena(upstream.socket, upstream.arena)
  else serverReader.fromSocket(upstream.socket, upstream.leftover)
  const gone = () => {
    clientReader.detach()
    serverReader.detach()
  }
  options.signal.addEventListener('abort', gone, { once: true })
  const protocol = protocolOf(options, upstream)
  const toClient = talk(clientReader, client)
  const toServer = talk(serverReader, upstream.socket)
  let signedIn = false
  try {
    await protocol.prepare(toServer)
    if (options.greetClient) toClient.write(protocol.greeting())
    let attempts = 0
    for (let n = 0; n < MAX_SIGN_IN_COMMANDS; n++) {
      const step: ClientStep = await protocol.command(await clientReader.line(), toClient, toServer)
      if (step.kind === 'answered') continue
      if (step.kind === 'close') return { kind: 'closed' }
      const outcome = await login(step, protocol, toClient, toServer, options)
      if (outcome === 'signed-in') {
        signedIn = true
        return { kind: 'signed-in', fromClient: clientReader.detach(), fromServer: serverReader.detach() }
      }
      if (++attempts >= MAX_SIGN_IN_ATTEMPTS) return { kind: 'closed' }
    }
    throw new Error(`The client sent ${MAX_SIGN_IN_COMMANDS} commands without logging in; closed.`)
  } finally {
    options.signal.removeEventListener('abort', gone)
    if (!signedIn) gone()
  }
}

async function login(
  step: Extract<ClientStep, { kind: 'login' }>,
  protocol: GateProtocol,
  client: Talk,
  server: Talk,
  options: GateOptions,
): Promise<LoginOutcome> {
  const { runtime, recorder } = options
  const tokens = runtime.tokens
  const expected = { address: tokens.address, digest: runtime.localPasswordDigest() }
  if (step.login === null || !checkLocalLogin(step.login, expected)) {
    recorder.loginAnswered(false)
    await sleep(runtime.wrongPasswordDelayMs ?? WRONG_LOCAL_PASSWORD_DELAY_MS, undefined, {
      signal: options.signal,
    })
    const sentence =
      expected.digest === null
        ? 'No local password is set for this tunnel yet; set one in Mailwarden.'
        : `Wrong user name or local password (the user name is ${tokens.address}).`
    options.report(sentence)
    client.write(step.answers.failure('credentials', sentence))
    return 'refused'
  }
  let said = ''
  for (const force of [false, true]) {
    let token: string
    try {
      token = await tokens.accessToken({ force, signal: options.signal })
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error
      return tokenFailure(error, step.answers, client, options)
    }
    const mechanism = chooseMechanism(options.oauth.mechanism, protocol.offered())
    const response =
      mechanism === 'XOAUTH2'
        ? xoauth2Response(tokens.address, token)
        : oauthBearerResponse(tokens.address, options.upstreamHost, options.upstreamPort, token)
    const result = await protocol.authenticate(server, mechanism, response)
    if (result.ok) {
      recorder.loginAnswered(true)
      runtime.onResult({ state: 'ready' })
      client.write(step.answers.success(result.line))
      return 'signed-in'
    }
    said = result.said
  }
  const refusal = explainOAuthRefusal(said)
  recorder.loginAnswered(false)
  const quoted = said ? ` (the server said: ${oneLine(said).slice(0, MAX_QUOTED_REFUSAL_CHARS)})` : ''
  runtime.onResult({
    state: 'refused',
    error: `${refusal.title}${quoted}: ${refusal.meaning} ${refusal.fix}`,
  })
  options.report(`${refusal.title}${quoted}. ${refusal.fix}`)
  client.write(step.answers.failure('refused', `${refusal.title}. ${refusal.fix}`))
  return 'refused'
}

function tokenFailure(
  error: OAuthError,
  answers: LoginAnswers,
  client: Talk,
  options: GateOptions,
): LoginOutcome {
  options.recorder.loginAnswered(false)
  let sentence: string
  if (error.id === 'needs-authorization')
    sentence = 'The OAuth account needs a new sign-in: sign in again in Mailwarden.'
  else {
    const refusal = explainOAuthRefusal(error.providerCode, error.message)
    sentence =
      error.id === 'provider-unreachable'
        ? 'The OAuth provider could not be reached for a token; try again later.'
        : `${refusal.title}. ${refusal.fix}`
  }
  const detail = `${sentence} (${oneLine(error.message)})`
  options.runtime.onResult({
    state: error.id === 'needs-authorization' ? 'needs-authorization' : 'refresh-failed',
    error: detail,
  })
  options.report(detail)
  client.write(answers.failure(error.id === 'provider-unreachable' ? 'temporary' : 'refused', sentence))
  return 'refused'
}
