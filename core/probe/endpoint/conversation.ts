// The main connection of one endpoint, phase by phase: implicit TLS at once, or a plaintext greeting
// (silence there: maybe implicit TLS on an unusual port); the protocol from the greeting; the
// capabilities before TLS; STARTTLS; the capabilities after TLS. A Conversation lives for one phase
// of the endpoint's probe (its signal is that phase's deadline) and fills a Dialog; the sockets,
// the timings and where TLS starts in the transcript go to the probe that owns it (a Recorder).
import type net from 'node:net'
import { performance } from 'node:perf_hooks'
import type tls from 'node:tls'
import type { MailProtocol } from '../../../shared/contract/mail.js'
import type { InjectionFacts, ProbeSecurity } from '../../../shared/contract/probe.js'
import { connectTcp, describeEndpoint, type Endpoint, handshakeTls } from '../../net/connect.js'
import { type Capabilities, type Dialogue, dialogues, type Greeting } from '../../net/dialogues/index.js'
import { NetError } from '../../net/errors.js'
import { INJECTION_WATCH_MS, MAX_TRANSCRIPT_LINE_CHARS } from '../../net/limits.js'
import type { LineLimits } from '../../net/line-reader.js'
import { type TranscriptLine as NetTranscriptLine, openSession, type Session } from '../../net/session.js'
import { startTls } from '../../net/starttls.js'
import {
  GOODBYE_MS,
  GREETING_SNIFF_MS,
  MAX_QUOTED_CHARS,
  MAX_QUOTED_FIRST_LINE_CHARS,
  MAX_QUOTED_TLS_BYTES,
} from '../limits.js'
import { type HandshakeFacts, handshakeFacts } from '../tls/facts.js'
import type { TrustAnchors } from '../tls/trust.js'
import { identifyGreeting, looksLikeTls, printable } from './identify.js'
import type { FailureKind, ProbeFailure } from './observation.js'

/** What the main connection (and, for a legacy-only server, a version attempt) found. */
export interface Dialog {
  protocol: MailProtocol | null
  security: ProbeSecurity
  failure: ProbeFailure | null
  greeting: Greeting | null
  before: Capabilities | null
  after: Capabilities | null
  injection: InjectionFacts | null
  tls: HandshakeFacts | null
  tlsError: string | null
  /** The main handshake failed; if no version attempt succeeds either, this is the finding. */
  pendingFailure: ProbeFailure | null
  /** Whether TLS was reached by STARTTLS (for the version attempts). */
  viaStartTls: boolean
  greetingMs: number | null
  tlsMs: number | null
}

export function emptyDialog(): Dialog {
  return {
    protocol: null,
    security: 'unreachable',
    failure: null,
    greeting: null,
    before: null,
    after: null,
    injection: null,
    tls: null,
    tlsError: null,
    pendingFailure: null,
    viaStartTls: false,
    greetingMs: null,
    tlsMs: null,
  }
}

/** What a Conversation reports to the probe that owns it. */
export interface Recorder {
  /** A socket to close when the endpoint is done. */
  track<T extends net.Socket>(socket: T): T
  /** The transcript lines from now on were sent or read over TLS. */
  tlsStarts(): void
  /** The TCP connection (or the implicit TLS handshake over it) is up. */
  connected(): void
}

export interface ConversationContext {
  trust: TrustAnchors
  /** Per step: connect, one reply, one handshake. */
  timeoutMs: number
  /** How long to wait for a plaintext greeting before trying TLS (capped by timeoutMs). */
  greetingSniffMs?: number
  limits: Partial<LineLimits>
  /** This phase's signal: the run's, and the phase's deadline. */
  signal: AbortSignal
  transcript: NetTranscriptLine[]
  now: () => Date
  recorder: Recorder
}

/** A NetError (or anything thrown) as the failure a finding names, given where it happened. */
export function failureOf(
  error: unknown,
  stage: 'connect' | 'greeting' | 'dialogue' | 'handshake',
  partial = false,
): ProbeFailure {
  const message = error instanceof Error ? error.message : String(error)
  if (!(error instanceof NetError)) return { kind: 'protocol-error', message }
  const map: Partial<Record<NetError['kind'], FailureKind>> = {
    'connect-timeout': 'connect-timeout',
    refused: 'refused',
    unreachable: 'unreachable',
    reset: 'reset',
    closed: 'closed',
    'line-too-long': 'endless-line',
    'too-much-data': 'too-much-data',
    'starttls-refused': 'starttls-refused',
    injection: 'injection',
    dns: 'dns',
  }
  let kind: FailureKind = map[error.kind] ?? 'protocol-error'
  if (error.kind === 'timeout')
    kind =
      stage === 'handshake' ? 'tls-timeout' : stage === 'greeting' && !partial ? 'no-greeting' : 'slow-reply'
  else if (error.kind === 'tls') kind = stage === 'connect' ? 'refused' : 'tls-failed'
  else if (error.kind === 'protocol' && stage === 'greeting') kind = 'not-mail-protocol'
  return { kind, message }
}

/** Says LOGOUT or QUIT when the protocol is known, then closes (and soon destroys) the socket. */
export function goodbye(socket: net.Socket | tls.TLSSocket, protocol: MailProtocol | null): void {
  try {
    if (protocol && !socket.destroyed && socket.writable)
      socket.write(protocol === 'imap' ? 'z LOGOUT\r\n' : 'QUIT\r\n')
  } catch {
    // Closing anyway.
  }
  socket.end()
  setTimeout(() => socket.destroy(), GOODBYE_MS).unref()
}

/** A cancelled run (or phase) ends the conversation; every other failure is a finding. */
function rethrowCancel(error: unknown): void {
  if (error instanceof NetError && error.kind === 'cancelled') throw error
}

/** A session whose first read returns a line we already read (to identify the protocol). */
function replaying(session: Session, first: string): Session {
  let pending: string | null = first
  return {
    ...session,
    read: () => {
      if (pending === null) return session.read()
      const line = pending
      pending = null
      return Promise.resolve(line)
    },
  }
}

export class Conversation {
  private readonly endpoint: Endpoint
  private readonly where: string
  private readonly context: ConversationContext
  private readonly recorder: Recorder

  constructor(endpoint: Endpoint, context: ConversationContext) {
    this.endpoint = endpoint
    this.where = describeEndpoint(endpoint)
    this.context = context
    this.recorder = context.recorder
  }

  /** From TCP connect to the capabilities after TLS. */
  run(expectedImplicit: boolean): Promise<Dialog> {
    return expectedImplicit ? this.implicitTls() : this.plaintext(true)
  }

  /** The version attempts found a legacy-only STARTTLS server: its capabilities over that TLS. */
  async capabilitiesOverTls(dialog: Dialog, socket: tls.TLSSocket): Promise<void> {
    if (!dialog.protocol) return
    const dialogue = dialogues[dialog.protocol]
    const over = this.session(socket)
    try {
      dialog.after = await dialogue.capabilities(over)
      goodbye(socket, dialogue.protocol)
    } catch (error) {
      rethrowCancel(error)
      dialog.failure = failureOf(error, 'dialogue', over.reader.buffered > 0)
    }
  }

  /** Over implicit TLS: the greeting identifies the protocol; then the capabilities. */
  async overImplicitTls(dialog: Dialog, socket: tls.TLSSocket, t0: number): Promise<void> {
    const session = this.session(socket)
    try {
      const first = await session.read()
      dialog.greetingMs = performance.now() - t0
      const identified = identifyGreeting(first)
      if (identified.kind !== 'protocol') {
        dialog.failure = {
          kind: 'not-mail-protocol',
          message: `${this.where} completed TLS but then sent ${JSON.stringify(printable(first, MAX_QUOTED_FIRST_LINE_CHARS))}, which is no mail greeting.`,
        }
        return
      }
      dialog.protocol = identified.protocol
      const dialogue = dialogues[identified.protocol]
      const replay = replaying(session, first)
      dialog.greeting = await dialogue.greeting(replay)
      const refused = this.refusal(dialog.greeting)
      if (refused) {
        dialog.failure = refused
        return
      }
      dialog.after = await dialogue.capabilities(replay)
      goodbye(socket, identified.protocol)
    } catch (error) {
      rethrowCancel(error)
      dialog.failure = failureOf(
        error,
        dialog.greeting ? 'dialogue' : 'greeting',
        session.reader.buffered > 0,
      )
    }
  }

  private session(socket: net.Socket): Session {
    const { limits, signal, transcript } = this.context
    return openSession(socket, this.where, { limits, signal, transcript })
  }

  private tlsOptions() {
    return {
      rejectUnauthorized: false as const,
      // Trust and the host name are judged from the chain by us (core/net/certificate.ts).
      checkServerIdentity: () => undefined,
      timeoutMs: this.context.timeoutMs,
      signal: this.context.signal,
    }
  }

  private get sniffMs(): number {
    return Math.min(this.context.greetingSniffMs ?? GREETING_SNIFF_MS, this.context.timeoutMs)
  }

  /** A busy (421) or refusing (554, BYE) greeting ends the dialogue: the failure, else null. */
  private refusal(greeting: Greeting): ProbeFailure | null {
    if (greeting.status !== 'busy' && greeting.status !== 'refused') return null
    return {
      kind: greeting.status === 'busy' ? 'busy' : 'session-refused',
      message: `${this.where} greeted with ${printable(greeting.lines.join(' '), MAX_QUOTED_CHARS)}`,
    }
  }

  /** A port that normally starts with TLS (993, 995, 465, or discovery said so): handshake at once. */
  private async implicitTls(): Promise<Dialog> {
    const t0 = performance.now()
    let socket: tls.TLSSocket
    try {
      socket = this.recorder.track(await handshakeTls(this.endpoint, this.tlsOptions()))
    } catch (error) {
      return this.implicitTlsFailed(error)
    }
    const dialog = emptyDialog()
    this.recorder.connected()
    this.recorder.tlsStarts()
    dialog.security = 'implicit-tls'
    dialog.tlsMs = performance.now() - t0
    dialog.tls = handshakeFacts(socket, this.endpoint.host, this.context.trust, this.context.now())
    await this.overImplicitTls(dialog, socket, t0)
    return dialog
  }

  private implicitTlsFailed(error: unknown): Promise<Dialog> | Dialog {
    rethrowCancel(error)
    // A plaintext greeting read as a TLS record: OpenSSL says "wrong version number".
    if (
      error instanceof NetError &&
      error.kind === 'tls' &&
      /wrong version number|packet length/i.test(error.message)
    )
      return this.plaintext(false)
    const dialog = emptyDialog()
    if (error instanceof NetError && ['refused', 'connect-timeout', 'unreachable'].includes(error.kind)) {
      dialog.failure = failureOf(error, 'connect')
      return dialog
    }
    const failure = failureOf(error, 'handshake')
    dialog.tlsError = failure.message
    // Stalled: the version attempts would stall too.
    if (failure.kind === 'tls-timeout') {
      dialog.failure = failure
      return dialog
    }
    // Perhaps only TLS 1.0/1.1: the version attempts decide, and supply the facts if so.
    dialog.security = 'implicit-tls'
    dialog.pendingFailure = failure
    return dialog
  }

  /** A plaintext greeting first (or silence: then maybe implicit TLS on an unusual port). */
  private async plaintext(mayBeImplicit: boolean): Promise<Dialog> {
    const dialog = emptyDialog()
    const t0 = performance.now()
    let socket: net.Socket
    try {
      const { timeoutMs, signal } = this.context
      socket = this.recorder.track(await connectTcp(this.endpoint, { timeoutMs, signal }))
    } catch (error) {
      rethrowCancel(error)
      dialog.failure = failureOf(error, 'connect')
      return dialog
    }
    this.recorder.connected()
    // The first lines are recorded by us (replaying); the session records the rest.
    const session = this.session(socket)
    let first: string
    try {
      const line = await this.firstLine(session, mayBeImplicit)
      if (line === null) return await this.silentThenTls(dialog, session, socket, t0)
      first = line
    } catch (error) {
      rethrowCancel(error)
      dialog.failure = this.greetingFailure(error, session)
      return dialog
    }
    this.context.transcript.push({ from: 'server', text: printable(first, MAX_TRANSCRIPT_LINE_CHARS) })
    dialog.greetingMs = performance.now() - t0
    const identified = identifyGreeting(first)
    if (identified.kind === 'protocol')
      await this.plaintextDialogue(dialog, session, socket, identified.protocol, first)
    else if (identified.kind === 'tls')
      dialog.failure = {
        kind: 'tls-first',
        message: `${this.where} sent TLS bytes instead of a plaintext greeting.`,
      }
    else
      dialog.failure = {
        kind: 'not-mail-protocol',
        message: `${this.where} sent ${JSON.stringify(printable(first, MAX_QUOTED_FIRST_LINE_CHARS))}, which is no IMAP, POP3 or SMTP greeting.`,
      }
    return dialog
  }

  /** The first line; null when nothing arrived within the sniff window (then TLS is worth a try). */
  private async firstLine(session: Session, mayBeImplicit: boolean): Promise<string | null> {
    const { timeoutMs } = this.context
    try {
      return await session.reader.readLine(mayBeImplicit ? this.sniffMs : timeoutMs)
    } catch (error) {
      if (!(error instanceof NetError) || error.kind !== 'timeout' || !mayBeImplicit) throw error
      // A busy event loop may run the timer before reading what already arrived: look once more.
      await new Promise((resolve) => setImmediate(resolve))
      if (session.reader.buffered > 0)
        return await session.reader.readLine(Math.max(1, timeoutMs - this.sniffMs))
      return null
    }
  }

  /** No whole greeting line: TLS bytes where it should be, or the failure of the read. */
  private greetingFailure(error: unknown, session: Session): ProbeFailure {
    const partial = session.reader.buffered > 0
    if (error instanceof NetError && error.kind === 'timeout' && partial) {
      const rest = session.reader.detach()
      if (looksLikeTls(rest))
        return {
          kind: 'tls-first',
          message: `${this.where} sent TLS bytes (${printable(rest, MAX_QUOTED_TLS_BYTES)}) instead of a greeting.`,
        }
    }
    return failureOf(error, 'greeting', partial)
  }

  /** Greeting and capabilities in plaintext; then STARTTLS if offered and still allowed. */
  private async plaintextDialogue(
    dialog: Dialog,
    session: Session,
    socket: net.Socket,
    protocol: MailProtocol,
    first: string,
  ): Promise<void> {
    dialog.protocol = protocol
    const dialogue = dialogues[protocol]
    const replay = replaying(session, first)
    try {
      dialog.greeting = await dialogue.greeting(replay)
    } catch (error) {
      rethrowCancel(error)
      dialog.failure = failureOf(error, 'greeting', session.reader.buffered > 0)
      return
    }
    const refused = this.refusal(dialog.greeting)
    if (refused) {
      dialog.failure = refused
      return
    }
    dialog.security = 'plaintext'
    try {
      dialog.before = await dialogue.capabilities(replay)
    } catch (error) {
      rethrowCancel(error)
      dialog.failure = failureOf(error, 'dialogue', session.reader.buffered > 0)
      return
    }
    // PREAUTH: already logged in; STARTTLS is not allowed any more (RFC 9051 6.2.1).
    if (dialog.greeting.status === 'preauth' || !dialog.before.startTls) {
      goodbye(socket, protocol)
      return
    }
    await this.startTls(dialog, session, dialogue)
  }

  /** Nothing arrived within the sniff window: try TLS on the same socket. */
  private async silentThenTls(
    dialog: Dialog,
    session: Session,
    socket: net.Socket,
    t0: number,
  ): Promise<Dialog> {
    session.reader.detach()
    try {
      const secure = this.recorder.track(await handshakeTls(this.endpoint, { ...this.tlsOptions(), socket }))
      this.recorder.tlsStarts()
      dialog.security = 'implicit-tls'
      dialog.tlsMs = performance.now() - t0
      dialog.tls = handshakeFacts(secure, this.endpoint.host, this.context.trust, this.context.now())
      await this.overImplicitTls(dialog, secure, t0)
      return dialog
    } catch (error) {
      rethrowCancel(error)
      // Perhaps the greeting was only slow and our ClientHello met it (OpenSSL then fails, or waits
      // for a "record" that never completes): start over once, waiting the whole timeout for it.
      const retry = await this.plaintext(false)
      if (retry.failure?.kind !== 'no-greeting') return retry
      dialog.failure = {
        kind: 'no-greeting',
        message: `${this.where} accepted the connection but sent no greeting within ${this.sniffMs} ms, did not complete a TLS handshake (${error instanceof Error ? error.message : String(error)}), and sent nothing on a second connection within ${this.context.timeoutMs} ms either.`,
      }
      return dialog
    }
  }

  /** STARTTLS on the main connection, then the capabilities again over TLS. */
  private async startTls(dialog: Dialog, session: Session, dialogue: Dialogue): Promise<void> {
    const t0 = performance.now()
    let secure: tls.TLSSocket
    try {
      const upgraded = await startTls(session, this.endpoint, dialogue, {
        ...this.tlsOptions(),
        injectionWatchMs: INJECTION_WATCH_MS,
      })
      secure = this.recorder.track(upgraded.tls)
    } catch (error) {
      this.startTlsFailed(dialog, error)
      return
    }
    dialog.security = 'starttls'
    dialog.viaStartTls = true
    dialog.tlsMs = performance.now() - t0
    dialog.tls = handshakeFacts(secure, this.endpoint.host, this.context.trust, this.context.now())
    this.recorder.tlsStarts()
    await this.capabilitiesOverTls(dialog, secure)
  }

  private startTlsFailed(dialog: Dialog, error: unknown): void {
    rethrowCancel(error)
    if (error instanceof NetError && error.kind === 'starttls-refused') {
      dialog.failure = failureOf(error, 'dialogue')
      return
    }
    dialog.security = 'starttls'
    if (error instanceof NetError && error.kind === 'injection') {
      const data = error.data ?? Buffer.alloc(0)
      dialog.injection = { bytes: data.length, excerpt: printable(data, MAX_QUOTED_CHARS) }
      dialog.failure = failureOf(error, 'dialogue')
      return
    }
    const failure = failureOf(error, 'handshake')
    // OpenSSL fails (or the server resets) when no version in common: the attempts decide.
    if (failure.kind === 'tls-failed' || failure.kind === 'reset' || failure.kind === 'closed') {
      // Perhaps only TLS 1.0/1.1: the version attempts decide, and supply the facts if so.
      dialog.viaStartTls = true
      dialog.tlsError = failure.message
      dialog.pendingFailure = failure
      return
    }
    dialog.failure = failure
  }
}
