// One admitted client connection of a tunnel, in its phases: `constructor` watches the client's
// ends and idleness, `#secureLocalSide()` puts TLS on the local side (when the tunnel has one),
// `#openUpstream()` opens verified TLS to the server, `#signIn()` (a tunnel with an OAuth account
// only) logs the client in to the tunnel and the tunnel to the server with a token (sign-in/),
// `#pipe()` joins the two directions through the protocol filters. A failure reaches the client in its protocol and is recorded; once both
// sockets have closed the tunnel is told (`onClosed`), which counts and records the connection.
import type net from 'node:net'
import type tls from 'node:tls'
import type { ConnectionOutcome, ConnectionRecord } from '../../shared/contract/tunnel.js'
import type { TunnelConfig } from '../../shared/contract/tunnel-config.js'
import { NetError } from '../net/errors.js'
import { createFilters, type FilterPair } from './filters.js'
import { oneLine, refusal } from './greeting.js'
import { CLOSE_GRACE_MS } from './limits.js'
import { localStartTls } from './local-starttls.js'
import { acceptLocalTls, type LocalTlsRuntime } from './local-tls.js'
import { type Pump, pump } from './pump.js'
import { ReadArena } from './read-arena.js'
import { CommandRecorder } from './recorder.js'
import type { TunnelRuntime } from './runtime.js'
import { signIn } from './sign-in/gate.js'
import { SIGN_IN_SMTP_AUTH } from './sign-in/smtp.js'
import { openUpstream, type Upstream } from './upstream.js'

/** What a connection gets from its tunnel. */
export interface ConnectionContext {
  readonly config: TunnelConfig
  readonly runtime: TunnelRuntime
  readonly upstreamName: string
  /** The upstream's last TLS session, offered for resumption; shared by a tunnel's connections. */
  readonly resumption: { session: Buffer | undefined }
  /** Both sockets have closed. */
  onClosed(connection: Connection): void
}

export class Connection {
  /** The client: the TCP socket, until a TLS local side puts a TLS socket on top of it. */
  client: net.Socket
  upstream: tls.TLSSocket | null = null
  /** Its commands and logins (the failed logins count live, before the connection ends). */
  readonly recorder = new CommandRecorder()
  readonly abort = new AbortController()
  outcome: ConnectionOutcome | null = null
  error: string | null = null
  tlsInfo: ConnectionRecord['tls'] = null
  readonly #raw: net.Socket
  readonly #context: ConnectionContext
  readonly #idleMs: number
  #clientClosed = false
  #upstreamClosed = true
  /** Once either side has said goodbye (its FIN), a reset from the server is how some servers
   * (Perdition among them) close a finished session, not a failure of it. */
  #clientEnded = false
  #upstreamEnded = false

  constructor(
    raw: net.Socket,
    readonly seq: number,
    readonly clientName: string,
    readonly startedAt: Date,
    context: ConnectionContext,
  ) {
    this.#raw = raw
    this.client = raw
    this.#context = context
    raw.once('end', this.#onEnd)
    // On the TCP socket: it closes in every phase, with a TLS socket on top of it or not.
    raw.once('close', () => this.#onClientClose())
    this.#idleMs = context.runtime.idleTimeoutMs ?? context.config.idleTimeoutMinutes * 60_000
    raw.setTimeout(this.#idleMs, this.#onIdle)
  }

  /** Runs the connection to its end; every failure is recorded, none is thrown. */
  async run(): Promise<void> {
    const local = this.#context.runtime.local
    if (local && this.#context.config.localTls !== 'plaintext' && !(await this.#secureLocalSide(local)))
      return
    const upstream = await this.#openUpstream()
    if (!upstream) return
    if (!this.#context.config.oauth) {
      this.#pipe(upstream, null)
      return
    }
    const signedIn = await this.#signIn(upstream)
    if (signedIn) this.#pipe({ ...upstream, leftover: signedIn.fromServer }, signedIn.fromClient)
  }

  readonly #onEnd = (): void => {
    this.#clientEnded = true
  }

  readonly #onIdle = (): void => {
    const { config } = this.#context
    this.outcome ??= 'idle-timeout'
    // Said in the client's protocol, as a server's autologout is, then closed.
    this.client.end(refusal(config.protocol, `idle for ${idleWords(this.#idleMs)}; closing the connection`))
    this.upstream?.destroy()
    setTimeout(() => this.client.destroy(), CLOSE_GRACE_MS).unref()
  }

  #onClientClose(): void {
    this.#clientClosed = true
    // Only an upstream still being opened listens to the signal (an abort builds a DOMException).
    if (this.upstream) this.upstream.destroy()
    else this.abort.abort()
    this.#finish()
  }

  #finish(): void {
    if (this.#clientClosed && this.#upstreamClosed) this.#context.onClosed(this)
  }

  /** A TLS local side first: a device that fails its TLS never costs an upstream connection.
   * False: the connection goes no further (failed, or the client left). */
  async #secureLocalSide(local: LocalTlsRuntime): Promise<boolean> {
    const { config, runtime } = this.#context
    let secured: net.Socket | null
    try {
      secured =
        config.localTls === 'implicit-tls'
          ? await acceptLocalTls(this.#raw, local)
          : await localStartTls(this.#raw, {
              protocol: config.protocol,
              domain: config.listenHost,
              local,
              recorder: this.recorder,
              lineTimeoutMs: runtime.localLineTimeoutMs,
            })
    } catch (error) {
      if (this.outcome !== 'stopped' && !this.#clientClosed) {
        this.outcome = 'failed'
        this.error = oneLine(error instanceof Error ? error.message : String(error))
        runtime.warn(`${this.clientName}: ${this.error}`)
      }
      return false
    }
    if (!secured || this.#clientClosed) {
      secured?.destroy() // a goodbye before STARTTLS, or gone meanwhile: the close handler records it
      return false
    }
    this.#raw.setTimeout(0)
    this.#raw.off('timeout', this.#onIdle)
    this.#raw.off('end', this.#onEnd)
    this.client = secured
    secured.on('error', () => {})
    secured.once('end', this.#onEnd)
    secured.setTimeout(this.#idleMs, this.#onIdle)
    return true
  }

  /** Verified TLS to the server. Null when it failed (the client is told why, in its protocol) or
   * when the client is gone or the tunnel stopped meanwhile. */
  async #openUpstream(): Promise<Upstream | null> {
    const { config, runtime } = this.#context
    const endpoint = { host: config.upstreamHost, port: config.upstreamPort }
    let upstream: Upstream
    try {
      const resolved = await runtime.resolve(endpoint.host)
      upstream = await openUpstream(
        { ...endpoint, address: resolved },
        {
          mode: config.mode,
          protocol: config.protocol,
          trust: runtime.trust,
          timeoutMs: runtime.timeoutMs,
          session: this.#context.resumption.session,
          signal: this.abort.signal,
          arena: new ReadArena(),
        },
      )
    } catch (error) {
      if (this.outcome === 'stopped' || this.#clientClosed) {
        this.client.destroy()
        return null
      }
      const reason = error instanceof Error ? error.message : String(error)
      this.outcome = 'failed'
      this.error = oneLine(reason)
      runtime.warn(`${this.clientName}: ${this.error}`)
      const client = this.client
      client.end(refusal(config.protocol, reason))
      // The refusal is flushed, then the socket closes even if the client never reads it.
      setTimeout(() => client.destroy(), CLOSE_GRACE_MS).unref()
      client.resume()
      return null
    }
    if (this.#clientClosed) {
      upstream.socket.destroy()
      return null
    }
    return upstream
  }

  /** The client logs in to the tunnel and the tunnel to the server with a token (sign-in/gate.ts).
   * Null when it did not come to that (answered and closed, failed, the client gone). */
  async #signIn(upstream: Upstream): Promise<{ fromClient: Buffer; fromServer: Buffer } | null> {
    const { config, runtime, upstreamName } = this.#context
    const socket = upstream.socket
    // A client that leaves now takes the upstream with it (#onClientClose).
    this.upstream = socket
    this.tlsInfo = upstream.tls
    socket.on('session', (session: Buffer) => {
      this.#context.resumption.session = session
    })
    socket.on('error', () => {}) // the gate's reader turns it into its sentence
    const fail = (reason: string) => {
      this.outcome = 'failed'
      this.error = oneLine(reason)
      runtime.warn(`${this.clientName}: ${this.error}`)
      this.#closeAfter(refusal(config.protocol, reason))
    }
    if (!config.oauth || !runtime.signIn) {
      fail('This tunnel signs in with an OAuth account, but no token source is available.')
      return null
    }
    try {
      const outcome = await signIn(this.client, upstream, {
        protocol: config.protocol,
        oauth: config.oauth,
        upstreamHost: config.upstreamHost,
        upstreamPort: config.upstreamPort,
        upstreamName,
        runtime: runtime.signIn,
        greetClient: config.localTls !== 'starttls',
        recorder: this.recorder,
        signal: this.abort.signal,
        report: (sentence) => {
          this.error = oneLine(sentence)
        },
      })
      if (this.#clientClosed) {
        socket.destroy()
        return null
      }
      if (outcome.kind === 'closed') {
        this.#closeAfter('')
        return null
      }
      return outcome
    } catch (error) {
      // Stopped, idle, or the client gone: that end is already recorded and said.
      if (this.outcome !== null || this.#clientClosed) {
        socket.destroy()
        if (this.outcome === 'stopped' || this.#clientClosed) this.client.destroy()
        return null
      }
      fail(error instanceof Error ? error.message : String(error))
      return null
    }
  }

  /** Says a last word to the client (when any), ends it, and drops the upstream. */
  #closeAfter(last: string): void {
    this.upstream?.destroy()
    const client = this.client
    client.end(last)
    // The last word is flushed, then the socket closes even if the client never reads it.
    setTimeout(() => client.destroy(), CLOSE_GRACE_MS).unref()
    client.resume()
  }

  /** The two directions through the protocol filters, then the server's greeting to the client.
   * `signedIn`: the sign-in gate ran (it greeted the client; these are the client's bytes it read
   * beyond the login). */
  #pipe(upstream: Upstream, signedIn: Buffer | null): void {
    const { config } = this.#context
    const socket = upstream.socket
    const client = this.client
    this.upstream = socket
    this.#upstreamClosed = false
    this.tlsInfo = upstream.tls
    socket.on('session', (session: Buffer) => {
      this.#context.resumption.session = session
    })
    socket.setNoDelay(true)
    socket.once('end', () => {
      this.#upstreamEnded = true
    })
    socket.on('error', (error: NodeJS.ErrnoException) => this.#onUpstreamError(error))
    const filters = createFilters(config.protocol, {
      recorder: this.recorder,
      serverGreets: signedIn === null && upstream.greeting === null,
      // A local STARTTLS side greeted the client itself: no second greeting.
      dropServerGreeting: signedIn === null && config.localTls === 'starttls',
      smtpAuthLine: config.oauth ? SIGN_IN_SMTP_AUTH : null,
    })
    const broken = (error: Error) => {
      this.outcome ??= 'failed'
      this.error ??= oneLine(error.message)
      client.destroy()
      socket.destroy()
    }
    pump(client, filters.fromClient, socket, broken)
    const toClient = pump(socket, filters.fromServer, client, broken, upstream.arena)
    // After a sign-in the server's first answers may be short (a POP3 QUIT's one line).
    const greetingLines = signedIn !== null || upstream.greeting !== null ? 0 : 1
    socket.once('close', () => this.#onUpstreamClose(filters, toClient, greetingLines))
    if (upstream.greeting && config.localTls !== 'starttls' && signedIn === null)
      client.write(upstream.greeting)
    try {
      if (upstream.leftover.length > 0) filters.fromServer.write(upstream.leftover)
      if (signedIn && signedIn.length > 0) filters.fromClient.write(signedIn)
    } catch (error) {
      broken(error as Error)
    }
  }

  #onUpstreamError(error: NodeJS.ErrnoException): void {
    if (this.outcome || this.#clientEnded || this.#upstreamEnded || this.#clientClosed) return
    this.outcome = 'failed'
    this.error = oneLine(
      new NetError(
        'reset',
        `${this.#context.upstreamName} broke the connection (${error.code ?? error.message}).`,
      ).message,
    )
  }

  #onUpstreamClose(filters: FilterPair, toClient: Pump, greetingLines: number): void {
    this.#upstreamClosed = true
    // The server hung up on its own before answering anything (at most its greeting): no
    // client can use it, so the session is not "ok" whatever the bytes say.
    if (!this.outcome && !this.#clientEnded && filters.fromServer.lines <= greetingLines) {
      this.outcome = 'failed'
      this.error = `${this.#context.upstreamName} closed the connection right after its greeting, before answering the client.`
    }
    // Whatever the server sent before it went away still reaches the client, then FIN.
    toClient.end()
    const client = this.client
    setTimeout(() => client.destroy(), CLOSE_GRACE_MS).unref()
    this.#finish()
  }
}

/** "30 minutes", or "0.4 s" for the short timeouts of tests. */
function idleWords(ms: number): string {
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} minutes`
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
}
