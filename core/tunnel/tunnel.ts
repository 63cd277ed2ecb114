// One running tunnel: a listener and its connections. Each connection (connection.ts) is verified
// TLS to the upstream (upstream.ts), the client greeted only once that is up, then two piped
// directions through the protocol filters (backpressure by pipe; nothing buffers without bound). A
// failure reaches the client in its protocol, is recorded, and never touches another connection.
// This file admits connections (the allowlist), counts them, and records each one.
import net from 'node:net'
import type { ConnectionOutcome, ConnectionRecord, TunnelStats } from '../../shared/contract/tunnel.js'
import type { TunnelConfig } from '../../shared/contract/tunnel-config.js'
import { EngineError } from '../api/errors.js'
import { describeEndpoint } from '../net/connect.js'
import { ClientAllowList, isLoopbackHost } from './client-allow.js'
import { Connection, type ConnectionContext } from './connection.js'
import { refusal } from './greeting.js'
import { CLOSE_GRACE_MS, LISTEN_BACKLOG, MAX_CONNECTIONS_PER_TUNNEL, STREAM_BUFFER_BYTES } from './limits.js'
import { CommandRecorder } from './recorder.js'
import { RefusalLog } from './refusal-log.js'
import type { TunnelRuntime } from './runtime.js'

const NOT_ALLOWED = "This client address is not on the tunnel's allowlist."

/** A client's address as logged: IPv4-mapped addresses as IPv4, IPv6 in brackets. */
function hostText(host: string | undefined): string {
  // Checked before the regex: this runs for every connection.
  const h =
    host?.startsWith('::ffff:') || host?.startsWith('::FFFF:')
      ? host.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
      : (host ?? '?')
  return h.includes(':') ? `[${h}]` : h
}

function address(host: string | undefined, port: number | undefined): string {
  return `${hostText(host)}:${port ?? '?'}`
}

export class Tunnel {
  readonly config: TunnelConfig
  readonly #runtime: TunnelRuntime
  readonly #allow: ClientAllowList
  /** The warnings about refused clients: one per address per minute, the rest counted. */
  readonly #refusals: RefusalLog
  #server: net.Server | null = null
  readonly #live = new Set<Connection>()
  #seq = 0
  readonly #context: ConnectionContext
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
    if (config.allowLegacyLocalTls && config.localTls === 'plaintext')
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
    this.#refusals = new RefusalLog((line) => runtime.warn(line), runtime.refusalLog)
    this.#context = {
      config,
      runtime,
      upstreamName: this.upstreamName,
      resumption: { session: undefined },
      onClosed: (connection) => this.#closed(connection),
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
    if (this.config.localTls !== 'plaintext' && !this.#runtime.local)
      return Promise.reject(
        new EngineError('internal', 'A TLS local side was asked for without its certificate.'),
      )
    if (this.config.oauth && !this.#runtime.signIn)
      return Promise.reject(
        new EngineError('internal', 'An OAuth tunnel was asked for without its token source.'),
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
      // No client is accepted any more: the refusals held back are said now.
      this.#refusals.flush()
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
    const seq = ++this.#seq
    const startedAt = new Date()
    const clientName = address(raw.remoteAddress, raw.remotePort)
    raw.on('error', () => {}) // the close handler of the connection records the end
    if (!this.#allow.allows(raw.remoteAddress)) {
      this.#rejected++
      this.#refuse(raw)
      // Recorded with its warning, once per address per minute (the rest counted): a scan of the
      // LAN must not fill the log nor push real sessions out of the app's bounded one.
      if (this.#refusals.refused(hostText(raw.remoteAddress), `${clientName}: refused: ${NOT_ALLOWED}`))
        this.#runtime.onRecord(
          this.#record(
            seq,
            clientName,
            startedAt,
            0,
            0,
            'rejected',
            NOT_ALLOWED,
            null,
            new CommandRecorder(),
          ),
        )
      return
    }
    this.#total++
    const connection = new Connection(raw, seq, clientName, startedAt, this.#context)
    this.#live.add(connection)
    void connection.run()
  }

  /** Both sockets of a connection have closed: counted, and its record goes out. */
  #closed(connection: Connection): void {
    const { client, recorder } = connection
    this.#live.delete(connection)
    this.#closedUp += client.bytesRead
    this.#closedDown += client.bytesWritten
    this.#loginsFailed += recorder.loginsFailed
    // A session that ran but whose last login the server refused is not "ok": a wrong password.
    const outcome = connection.outcome ?? (recorder.login === 'failed' ? 'login-failed' : 'ok')
    if (outcome === 'failed') this.#failed++
    this.#runtime.onRecord(
      this.#record(
        connection.seq,
        connection.clientName,
        connection.startedAt,
        client.bytesRead,
        client.bytesWritten,
        outcome,
        connection.error,
        connection.tlsInfo,
        recorder,
      ),
    )
  }

  /** A client not on the allowlist: told in its protocol (in clear, so a stranger is offered no
   * TLS handshake; on an implicit TLS listener it is only closed), then closed. */
  #refuse(raw: net.Socket): void {
    if (this.config.localTls === 'implicit-tls') {
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
