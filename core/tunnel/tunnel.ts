// One running tunnel: a listener and its connections. Each connection is verified TLS to the
// upstream (upstream.ts), the client greeted only once that is up, then two piped directions
// through the protocol filters (backpressure by pipe; nothing buffers without bound). A failure
// reaches the client in its protocol, is recorded, and never touches another connection.
import net from 'node:net'
import type tls from 'node:tls'
import type { ConnectionOutcome, ConnectionRecord, TunnelStats } from '../../shared/contract/tunnel.js'
import type { TunnelConfig } from '../../shared/contract/tunnel-config.js'
import { EngineError } from '../api/errors.js'
import { describeEndpoint } from '../net/connect.js'
import { NetError } from '../net/errors.js'
import { ClientAllowList, isLoopbackHost } from './client-allow.js'
import { createFilters } from './filters.js'
import { oneLine, refusal } from './greeting.js'
import { CLOSE_GRACE_MS, LISTEN_BACKLOG, MAX_CONNECTIONS_PER_TUNNEL, STREAM_BUFFER_BYTES } from './limits.js'
import { localStartTls } from './local-starttls.js'
import { acceptLocalTls, type LocalTlsRuntime } from './local-tls.js'
import { pump } from './pump.js'
import { CommandRecorder } from './recorder.js'
import { openUpstream, type TrustPolicy } from './upstream.js'

export interface TunnelRuntime {
  trust: TrustPolicy
  /** Connect and handshake deadline toward the upstream. */
  timeoutMs: number
  /** The upstream host's address (the one DNS resolver, cached); throws a sentence. */
  resolve(host: string): Promise<string>
  /** Overrides the config's idle timeout (tests use milliseconds, the config has minutes). */
  idleTimeoutMs?: number
  onRecord(record: ConnectionRecord): void
  warn(message: string): void
  /** The generated certificate and TLS context of a TLS local side (localTls implicit|starttls). */
  local?: LocalTlsRuntime | null
  /** Overrides the per-line deadline of a local STARTTLS dialogue (tests). */
  localLineTimeoutMs?: number
}

const NOT_ALLOWED = "This client address is not on the tunnel's allowlist."

interface Live {
  client: net.Socket
  upstream: tls.TLSSocket | null
  /** Its commands and logins (the failed logins count live, before the connection ends). */
  recorder: CommandRecorder
  abort: AbortController
  outcome: ConnectionOutcome | null
  error: string | null
}

function address(host: string | undefined, port: number | undefined): string {
  // Checked before the regex: this runs for every connection.
  const h =
    host?.startsWith('::ffff:') || host?.startsWith('::FFFF:')
      ? host.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
      : (host ?? '?')
  return `${h.includes(':') ? `[${h}]` : h}:${port ?? '?'}`
}

export class Tunnel {
  readonly config: TunnelConfig
  readonly #runtime: TunnelRuntime
  readonly #allow: ClientAllowList
  #server: net.Server | null = null
  readonly #live = new Set<Live>()
  #seq = 0
  #session: Buffer | undefined
  // Counters of closed connections; the live ones are added in stats().
  #total = 0
  #failed = 0
  #rejected = 0
  #loginsFailed = 0
  #closedUp = 0
  #closedDown = 0
  #closing: Promise<void> | null = null

  constructor(config: TunnelConfig, runtime: TunnelRuntime) {
    this.config = config
    this.#runtime = runtime
    if (!isLoopbackHost(config.listenHost) && !config.allowLan)
      throw new EngineError(
        'invalid-request',
        `Listening on ${config.listenHost} would expose the tunnel to the network; allow LAN access explicitly and list the client addresses allowed.`,
      )
    if (!isLoopbackHost(config.listenHost) && config.allowedClients.length === 0)
      throw new EngineError(
        'invalid-request',
        'A tunnel open to the LAN needs an allowlist: name the client addresses (or ranges) that may use it.',
      )
    if (config.allowLegacyLocalTls && config.localTls === 'plain')
      throw new EngineError(
        'invalid-request',
        'TLS 1.0/1.1 toward the client needs a TLS local side: choose implicit TLS or STARTTLS for it.',
      )
    try {
      this.#allow = new ClientAllowList(config.allowedClients, {
        anyLoopback: isLoopbackHost(config.listenHost),
      })
    } catch (error) {
      throw new EngineError('invalid-request', (error as Error).message)
    }
  }

  get upstreamName(): string {
    return describeEndpoint({ host: this.config.upstreamHost, port: this.config.upstreamPort })
  }

  stats(): TunnelStats {
    let up = this.#closedUp
    let down = this.#closedDown
    let loginsFailed = this.#loginsFailed
    for (const live of this.#live) {
      up += live.client.bytesRead
      down += live.client.bytesWritten
      loginsFailed += live.recorder.loginsFailed
    }
    return {
      active: this.#live.size,
      total: this.#total,
      failed: this.#failed,
      rejected: this.#rejected,
      loginsFailed,
      bytesToUpstream: up,
      bytesToClients: down,
    }
  }

  /** Starts listening; EngineError conflict when the port is taken. Resolves with the bound address. */
  start(): Promise<{ host: string; port: number }> {
    if (this.config.localTls !== 'plain' && !this.#runtime.local)
      return Promise.reject(
        new EngineError('internal', 'A TLS local side was asked for without its certificate.'),
      )
    const server = net.createServer(
      { allowHalfOpen: true, pauseOnConnect: true, noDelay: true, highWaterMark: STREAM_BUFFER_BYTES },
      (client) => this.#accept(client),
    )
    server.maxConnections = MAX_CONNECTIONS_PER_TUNNEL
    this.#server = server
    return new Promise((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        this.#server = null
        const where = address(this.config.listenHost, this.config.listenPort)
        if (error.code === 'EADDRINUSE')
          reject(
            new EngineError(
              'conflict',
              `${where} is already in use; choose another port or stop what uses it.`,
            ),
          )
        else if (error.code === 'EACCES')
          reject(
            new EngineError(
              'unavailable',
              `${where} needs privileges to listen on; choose a port above 1023.`,
            ),
          )
        else if (error.code === 'EADDRNOTAVAIL')
          reject(
            new EngineError(
              'invalid-request',
              `${this.config.listenHost} is not an address of this machine.`,
            ),
          )
        else reject(new EngineError('unavailable', `Could not listen on ${where}: ${error.message}`))
      })
      server.listen(
        { host: this.config.listenHost, port: this.config.listenPort, backlog: LISTEN_BACKLOG },
        () => {
          server.on('error', (error) => this.#runtime.warn(`Listener error: ${error.message}`))
          const bound = server.address() as net.AddressInfo
          resolve({ host: bound.address, port: bound.port })
        },
      )
    })
  }

  /** Stops listening and closes every connection; resolves when every socket is closed. */
  stop(): Promise<void> {
    this.#closing ??= (async () => {
      const server = this.#server
      this.#server = null
      const closed = server ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve()
      const sockets = [...this.#live].map((live) => {
        live.outcome ??= 'stopped'
        live.abort.abort()
        live.upstream?.destroy()
        return new Promise<void>((r) => {
          if (live.client.destroyed && live.client.closed) r()
          else live.client.once('close', () => r())
          live.client.destroy()
        })
      })
      await Promise.all([closed, ...sockets])
    })()
    return this.#closing
  }

  #accept(raw: net.Socket): void {
    // The TCP socket, until a TLS local side puts a TLS socket on top of it.
    let client: net.Socket = raw
    const seq = ++this.#seq
    const startedAt = new Date()
    const clientName = address(client.remoteAddress, client.remotePort)
    client.on('error', () => {}) // the close handler below records the end
    if (!this.#allow.allows(client.remoteAddress)) {
      this.#rejected++
      this.#refuse(raw)
      this.#runtime.warn(`${clientName}: refused: ${NOT_ALLOWED}`)
      this.#runtime.onRecord(
        this.#record(seq, clientName, startedAt, 0, 0, 'rejected', NOT_ALLOWED, null, new CommandRecorder()),
      )
      return
    }
    this.#total++
    const recorder = new CommandRecorder()
    const live: Live = {
      client,
      upstream: null,
      recorder,
      abort: new AbortController(),
      outcome: null,
      error: null,
    }
    this.#live.add(live)
    let tlsInfo: ConnectionRecord['tls'] = null
    let upstreamClosed = true
    let clientClosed = false
    // Once either side has said goodbye (its FIN), a reset from the server is how some servers
    // (Perdition among them) close a finished session, not a failure of it.
    let clientEnded = false
    const onEnd = () => {
      clientEnded = true
    }
    client.once('end', onEnd)
    const finish = () => {
      if (!clientClosed || !upstreamClosed) return
      this.#live.delete(live)
      this.#closedUp += client.bytesRead
      this.#closedDown += client.bytesWritten
      this.#loginsFailed += recorder.loginsFailed
      // A session that ran but whose last login the server refused is not "ok": a wrong password.
      const outcome = live.outcome ?? (recorder.login === 'failed' ? 'login-failed' : 'ok')
      if (outcome === 'failed') this.#failed++
      this.#runtime.onRecord(
        this.#record(
          seq,
          clientName,
          startedAt,
          client.bytesRead,
          client.bytesWritten,
          outcome,
          live.error,
          tlsInfo,
          recorder,
        ),
      )
    }
    // On the TCP socket: it closes in every phase, with a TLS socket on top of it or not.
    raw.once('close', () => {
      clientClosed = true
      // Only an upstream still being opened listens to the signal (an abort builds a DOMException).
      if (live.upstream) live.upstream.destroy()
      else live.abort.abort()
      finish()
    })
    const idleMs = this.#runtime.idleTimeoutMs ?? this.config.idleTimeoutMinutes * 60_000
    const onIdle = () => {
      live.outcome ??= 'idle-timeout'
      // Said in the client's protocol, as a server's autologout is, then closed.
      client.end(refusal(this.config.protocol, `idle for ${idleWords(idleMs)}; closing the connection`))
      live.upstream?.destroy()
      setTimeout(() => client.destroy(), CLOSE_GRACE_MS).unref()
    }
    client.setTimeout(idleMs, onIdle)
    const endpoint = { host: this.config.upstreamHost, port: this.config.upstreamPort }
    void (async () => {
      // A TLS local side first: a device that fails its TLS never costs an upstream connection.
      const local = this.#runtime.local
      if (local && this.config.localTls !== 'plain') {
        let secured: net.Socket | null
        try {
          secured =
            this.config.localTls === 'implicit'
              ? await acceptLocalTls(raw, local)
              : await localStartTls(raw, {
                  protocol: this.config.protocol,
                  domain: this.config.listenHost,
                  local,
                  recorder,
                  lineTimeoutMs: this.#runtime.localLineTimeoutMs,
                })
        } catch (error) {
          if (live.outcome !== 'stopped' && !clientClosed) {
            live.outcome = 'failed'
            live.error = oneLine(error instanceof Error ? error.message : String(error))
            this.#runtime.warn(`${clientName}: ${live.error}`)
          }
          return
        }
        if (!secured || clientClosed) {
          secured?.destroy() // a goodbye before STARTTLS, or gone meanwhile: the close handler records it
          return
        }
        raw.setTimeout(0)
        raw.off('timeout', onIdle)
        raw.off('end', onEnd)
        client = secured
        live.client = secured
        client.on('error', () => {})
        client.once('end', onEnd)
        client.setTimeout(idleMs, onIdle)
      }
      let upstream: Awaited<ReturnType<typeof openUpstream>>
      try {
        const resolved = await this.#runtime.resolve(endpoint.host)
        upstream = await openUpstream(
          { ...endpoint, address: resolved },
          {
            mode: this.config.mode,
            protocol: this.config.protocol,
            trust: this.#runtime.trust,
            timeoutMs: this.#runtime.timeoutMs,
            session: this.#session,
            signal: live.abort.signal,
          },
        )
      } catch (error) {
        if (live.outcome === 'stopped' || clientClosed) {
          client.destroy()
          return
        }
        const reason = error instanceof Error ? error.message : String(error)
        live.outcome = 'failed'
        live.error = oneLine(reason)
        this.#runtime.warn(`${clientName}: ${live.error}`)
        client.end(refusal(this.config.protocol, reason))
        // The refusal is flushed, then the socket closes even if the client never reads it.
        setTimeout(() => client.destroy(), CLOSE_GRACE_MS).unref()
        client.resume()
        return
      }
      const socket = upstream.socket
      if (clientClosed) {
        socket.destroy()
        return
      }
      live.upstream = socket
      upstreamClosed = false
      tlsInfo = upstream.tls
      socket.on('session', (session: Buffer) => {
        this.#session = session
      })
      socket.setNoDelay(true)
      let upstreamEnded = false
      socket.once('end', () => {
        upstreamEnded = true
      })
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (live.outcome || clientEnded || upstreamEnded || clientClosed) return
        live.outcome = 'failed'
        live.error = oneLine(
          new NetError('reset', `${this.upstreamName} broke the connection (${error.code ?? error.message}).`)
            .message,
        )
      })
      const filters = createFilters(this.config.protocol, {
        recorder,
        serverGreets: upstream.greeting === null,
        // A local STARTTLS side greeted the client itself: no second greeting.
        dropServerGreeting: this.config.localTls === 'starttls',
      })
      const broken = (error: Error) => {
        live.outcome ??= 'failed'
        live.error ??= oneLine(error.message)
        client.destroy()
        socket.destroy()
      }
      pump(client, filters.fromClient, socket, broken)
      const toClient = pump(socket, filters.fromServer, client, broken)
      socket.once('close', () => {
        upstreamClosed = true
        // The server hung up on its own before answering anything (at most its greeting): no
        // client can use it, so the session is not "ok" whatever the bytes say.
        if (
          !live.outcome &&
          !clientEnded &&
          filters.fromServer.lines <= (upstream.greeting === null ? 1 : 0)
        ) {
          live.outcome = 'failed'
          live.error = `${this.upstreamName} closed the connection right after its greeting, before answering the client.`
        }
        // Whatever the server sent before it went away still reaches the client, then FIN.
        toClient.end()
        setTimeout(() => client.destroy(), CLOSE_GRACE_MS).unref()
        finish()
      })
      if (upstream.greeting && this.config.localTls !== 'starttls') client.write(upstream.greeting)
      if (upstream.leftover.length > 0) filters.fromServer.write(upstream.leftover)
    })()
  }

  /** A client not on the allowlist: told in its protocol (in clear, so a stranger is offered no
   * TLS handshake; on an implicit TLS listener it is only closed), then closed. */
  #refuse(raw: net.Socket): void {
    if (this.config.localTls === 'implicit') {
      raw.destroy()
      return
    }
    raw.end(refusal(this.config.protocol, NOT_ALLOWED))
    // What it sends meanwhile is read and dropped, so its FIN closes the socket at once.
    raw.resume()
    const timer = setTimeout(() => raw.destroy(), CLOSE_GRACE_MS)
    timer.unref()
    raw.once('close', () => clearTimeout(timer))
  }

  #record(
    seq: number,
    client: string,
    startedAt: Date,
    fromClient: number,
    toClient: number,
    outcome: ConnectionOutcome,
    error: string | null,
    tlsInfo: ConnectionRecord['tls'],
    recorder: CommandRecorder,
  ): ConnectionRecord {
    return {
      tunnelId: this.config.id,
      seq,
      client,
      upstream: this.upstreamName,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      bytesFromClient: fromClient,
      bytesToClient: toClient,
      outcome,
      error,
      tls: tlsInfo,
      login: recorder.login,
      loginsFailed: recorder.loginsFailed,
      commands: [...recorder.commands],
    }
  }
}

/** "30 minutes", or "0.4 s" for the short timeouts of tests. */
function idleWords(ms: number): string {
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} minutes`
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
}
