// Every tunnel of the engine: configs persisted in settings, the running ones, their connection
// logs (bounded rings) and the events the UI hears (status, throttled counters, connections).
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import {
  type ConnectionRecord,
  type LocalCertificate,
  TUNNEL_LOG_MAX_RECORDS,
  type TunnelState,
  type TunnelStats,
  type UpstreamCheck,
} from '../../shared/contract/tunnel.js'
import { TunnelConfig, type TunnelDraft } from '../../shared/contract/tunnel-config.js'
import { EngineError } from '../api/errors.js'
import type { EngineContext } from '../context.js'
import { checkUpstream } from './check.js'
import { MAX_TUNNEL_ID_SLUG_CHARS, STATS_INTERVAL_MS } from './limits.js'
import { localTlsSecretName, prepareLocalTls, storedLocalCertificate } from './local-tls.js'
import { TunnelOAuthSide } from './oauth-side.js'
import { cachedResolve, type TokenSourceFor, trustPolicy } from './runtime.js'
import { localPasswordSecretName } from './sign-in/local-password.js'
import { Tunnel } from './tunnel.js'

interface Entry {
  tunnel: Tunnel | null
  listening: { host: string; port: number } | null
  lastError: string | null
  /** Why the last start failed (status "failed"); null once it listens or is stopped. */
  startError: string | null
  startedAt: string | null
  log: ConnectionRecord[]
  lastStats: string
  /** Counters of the last run, shown while stopped. */
  stats: TunnelStats
  /** The local side's certificate (public facts); undefined: not looked up in the keychain yet. */
  localCertificate: LocalCertificate | null | undefined
  /** The start-time check of the server; null when not listening. */
  check: UpstreamCheck | null
  /** Aborts a check still under way when the tunnel stops (or the engine shuts down). */
  checkAbort: AbortController | null
  /** A tunnel with `oauth`: its token source, local password and state; undefined: not loaded. */
  oauth: TunnelOAuthSide | undefined
}

const ZERO: TunnelStats = {
  active: 0,
  total: 0,
  failed: 0,
  rejected: 0,
  loginsFailed: 0,
  bytesToUpstream: 0,
  bytesToClients: 0,
}

export interface ManagerOptions {
  /** The CLI's --dns; null: the dnsServer setting. */
  dns?: string | null
  /** Overrides connectTimeoutSeconds (tests). */
  timeoutMs?: number
  /** The access-token sources of the OAuth accounts (core/oauth); null: OAuth tunnels cannot start. */
  tokenSourceFor?: TokenSourceFor | null
}

export class TunnelManager {
  readonly #context: EngineContext
  readonly #options: ManagerOptions
  readonly #entries = new Map<string, Entry>()
  #timer: NodeJS.Timeout | null = null
  #disposed = false

  constructor(context: EngineContext, options: ManagerOptions = {}) {
    this.#context = context
    this.#options = options
  }

  async #configs(): Promise<TunnelConfig[]> {
    return (await this.#context.settings.load()).settings.tunnels
  }

  async #config(id: string): Promise<TunnelConfig> {
    const config = (await this.#configs()).find((t) => t.id === id)
    if (!config) throw new EngineError('not-found', `There is no tunnel ${JSON.stringify(id)}.`)
    return config
  }

  #entry(id: string): Entry {
    let entry = this.#entries.get(id)
    if (!entry) {
      entry = {
        tunnel: null,
        listening: null,
        lastError: null,
        startError: null,
        startedAt: null,
        log: [],
        lastStats: '',
        stats: ZERO,
        localCertificate: undefined,
        check: null,
        checkAbort: null,
        oauth: undefined,
      }
      this.#entries.set(id, entry)
    }
    return entry
  }

  #state(config: TunnelConfig): TunnelState {
    const entry = this.#entry(config.id)
    return {
      config,
      status: entry.tunnel ? 'listening' : entry.startError ? 'failed' : 'stopped',
      listening: entry.listening,
      lastError: entry.lastError,
      startedAt: entry.startedAt,
      stats: entry.tunnel ? entry.tunnel.stats() : entry.stats,
      localCertificate: config.localTls === 'plaintext' ? null : (entry.localCertificate ?? null),
      check: entry.tunnel ? entry.check : null,
      oauth: config.oauth && entry.oauth?.accountId === config.oauth.accountId ? entry.oauth.view() : null,
    }
  }

  /** The OAuth side of a tunnel with `oauth`, loaded once per account (keychain, token source). */
  async #oauthSide(config: TunnelConfig): Promise<TunnelOAuthSide | null> {
    if (!config.oauth) return null
    const entry = this.#entry(config.id)
    if (entry.oauth?.accountId !== config.oauth.accountId || !entry.oauth.tokens)
      entry.oauth = await TunnelOAuthSide.load(
        this.#context.keychain,
        { ...config, oauth: config.oauth },
        this.#options.tokenSourceFor ?? null,
      )
    return entry.oauth
  }

  /** Sets (or deletes, null) an OAuth tunnel's local password: keychain only, never logged. */
  async setLocalPassword(id: string, password: string | null): Promise<TunnelState> {
    const config = await this.#config(id)
    if (!config.oauth)
      throw new EngineError('invalid-request', 'Only a tunnel with an OAuth account has a local password.')
    const name = localPasswordSecretName(id)
    if (password === null) await this.#context.keychain.delete(name)
    else await this.#context.keychain.set(name, password)
    ;(await this.#oauthSide(config))?.setPassword(password)
    this.#context.log.info(
      'tunnel',
      `${config.name}: local password ${password === null ? 'deleted' : 'set'}.`,
    )
    return this.#announce(config)
  }

  /** A TLS local side's certificate made in an earlier run is shown before this run starts it. */
  async #lookUpCertificates(configs: TunnelConfig[]): Promise<void> {
    for (const config of configs) {
      const entry = this.#entry(config.id)
      await this.#oauthSide(config)
      if (config.localTls === 'plaintext' || entry.localCertificate !== undefined) continue
      entry.localCertificate = await storedLocalCertificate(this.#context.keychain, config.id)
    }
  }

  #announce(config: TunnelConfig): TunnelState {
    const state = this.#state(config)
    this.#context.events.emit('tunnel.status', state)
    return state
  }

  async list(): Promise<TunnelState[]> {
    const configs = await this.#configs()
    await this.#lookUpCertificates(configs)
    return configs.map((config) => this.#state(config))
  }

  /** Starts every tunnel marked autoStart (the app's start); failures are recorded, not thrown. */
  async autoStart(): Promise<void> {
    // Side by side: each start waits for its server's check (up to the connect timeout).
    const configs = (await this.#configs()).filter((config) => config.autoStart)
    await Promise.all(configs.map((config) => this.start(config.id).catch(() => undefined)))
  }

  async create(draft: TunnelDraft): Promise<TunnelState> {
    const slug =
      draft.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, MAX_TUNNEL_ID_SLUG_CHARS) || 'tunnel'
    const config = TunnelConfig.parse({ ...draft, id: `${slug}-${randomBytes(3).toString('hex')}` })
    // A LAN listener without an allowlist is refused before it is saved.
    new Tunnel(config, this.#runtimeStub())
    const tunnels = await this.#configs()
    await this.#checkListenAddress(config, tunnels)
    await this.#context.settings.update({ tunnels: [...tunnels, config] })
    await this.#oauthSide(config)
    if (config.autoStart) {
      try {
        return await this.start(config.id)
      } catch {
        return this.#announce(config)
      }
    }
    return this.#announce(config)
  }

  async update(id: string, patch: Partial<TunnelDraft>): Promise<TunnelState> {
    const current = await this.#config(id)
    let config: TunnelConfig
    try {
      config = TunnelConfig.parse({ ...current, ...patch, id })
    } catch (error) {
      throw new EngineError(
        'invalid-request',
        `That change is not a valid tunnel: ${(error as Error).message}`,
      )
    }
    new Tunnel(config, this.#runtimeStub())
    const tunnels = await this.#configs()
    // Checked when the address changes: a rename must not fail on its own running listener.
    if (config.listenHost !== current.listenHost || config.listenPort !== current.listenPort)
      await this.#checkListenAddress(config, tunnels)
    await this.#context.settings.update({ tunnels: tunnels.map((t) => (t.id === id ? config : t)) })
    await this.#oauthSide(config)
    // A new listen host gets a new certificate at the next start; read it again then.
    if (config.listenHost !== current.listenHost) this.#entry(id).localCertificate = undefined
    if (this.#entry(id).tunnel) {
      await this.stop(id)
      return this.start(id)
    }
    return this.#announce(config)
  }

  async delete(id: string): Promise<boolean> {
    const tunnels = await this.#configs()
    if (!tunnels.some((t) => t.id === id)) return false
    await this.#stopTunnel(id)
    this.#entries.delete(id)
    await this.#context.settings.update({ tunnels: tunnels.filter((t) => t.id !== id) })
    // The local certificate's private key and the local password go with the tunnel.
    await this.#context.keychain.delete(localTlsSecretName(id)).catch(() => false)
    await this.#context.keychain.delete(localPasswordSecretName(id)).catch(() => false)
    this.#context.events.emit('tunnel.deleted', { id })
    return true
  }

  async start(id: string): Promise<TunnelState> {
    const config = await this.#config(id)
    const entry = this.#entry(id)
    if (entry.tunnel) return this.#state(config)
    if (this.#disposed) throw new EngineError('unavailable', 'The engine is shutting down.')
    try {
      const { settings } = await this.#context.settings.load()
      const warn = (message: string) => this.#context.log.warn('tunnel', `${config.name}: ${message}`)
      const local = await prepareLocalTls(this.#context.keychain, config, warn)
      entry.localCertificate = local?.certificate ?? null
      const trust = await trustPolicy(config, settings.extraCaFile)
      const timeoutMs = this.#options.timeoutMs ?? settings.connectTimeoutSeconds * 1000
      const resolve = cachedResolve(() => this.#context.resolver(this.#options.dns ?? null))
      const oauth = await this.#oauthSide(config)
      if (oauth && !oauth.tokens)
        throw new EngineError(
          'unavailable',
          oauth.view().lastError ?? 'The OAuth account has no token source.',
        )
      const tunnel = new Tunnel(config, {
        signIn: oauth?.tokens ? oauth.runtime(oauth.tokens, () => this.#announce(config)) : null,
        local,
        trust,
        timeoutMs,
        resolve,
        onRecord: (record) => this.#onRecord(config, record),
        warn,
      })
      entry.listening = await tunnel.start()
      entry.tunnel = tunnel
      entry.lastError = null
      entry.startError = null
      entry.startedAt = new Date().toISOString()
      this.#context.log.info(
        'tunnel',
        `${config.name}: listening on ${entry.listening.host}:${entry.listening.port} -> ${tunnel.upstreamName} (${config.mode}, ${config.protocol})${local ? `; local side ${config.localTls} TLS${config.allowLegacyLocalTls ? ' (TLS 1.0/1.1 allowed)' : ''}, pin ${local.certificate.pin}` : ''}`,
      )
      this.#tick()
      // It listens (so the user can fix what the check finds) but is not shown as working until
      // its server was reached and verified once.
      entry.check = { state: 'checking', reason: null, detail: null, certificate: null, checkedAt: null }
      this.#announce(config)
      const abort = new AbortController()
      entry.checkAbort = abort
      const check = await checkUpstream(config, { trust, timeoutMs, resolve, signal: abort.signal })
      if (entry.checkAbort === abort) entry.checkAbort = null
      // Stopped or restarted meanwhile: that run's state is not this check's to change.
      if (entry.tunnel !== tunnel) return this.#state(config)
      entry.check = check
      if (check.state !== 'verified')
        this.#context.log.warn('tunnel', `${config.name}: ${check.state} (${check.reason}): ${check.detail}`)
      return this.#announce(config)
    } catch (error) {
      entry.lastError = error instanceof Error ? error.message : String(error)
      entry.startError = entry.lastError
      entry.listening = null
      this.#context.log.warn('tunnel', `${config.name}: ${entry.lastError}`)
      this.#announce(config)
      throw error instanceof EngineError ? error : new EngineError('unavailable', entry.lastError)
    }
  }

  async stop(id: string): Promise<TunnelState> {
    const config = await this.#config(id)
    await this.#stopTunnel(id)
    this.#entry(id).startError = null
    return this.#announce(config)
  }

  log(id: string, limit: number): ConnectionRecord[] {
    return this.#entry(id).log.slice(-limit).reverse()
  }

  async dispose(): Promise<void> {
    this.#disposed = true
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    await Promise.all([...this.#entries.keys()].map((id) => this.#stopTunnel(id)))
  }

  async #stopTunnel(id: string): Promise<void> {
    const entry = this.#entries.get(id)
    const tunnel = entry?.tunnel
    if (!entry || !tunnel) return
    entry.tunnel = null
    entry.listening = null
    entry.startedAt = null
    entry.check = null
    entry.checkAbort?.abort()
    entry.checkAbort = null
    await tunnel.stop()
    entry.stats = tunnel.stats()
    this.#context.log.info('tunnel', `${tunnel.config.name}: stopped`)
  }

  #onRecord(config: TunnelConfig, record: ConnectionRecord): void {
    const entry = this.#entry(config.id)
    entry.log.push(record)
    if (entry.log.length > TUNNEL_LOG_MAX_RECORDS) entry.log.shift()
    if (record.error) entry.lastError = record.error
    // A session that reached TLS with the server passed the tunnel's own trust checks: whatever the
    // start-time check saw (a server down for a moment), the server is verified now.
    if (
      record.tls &&
      (record.outcome === 'ok' || record.outcome === 'login-failed') &&
      entry.tunnel &&
      entry.check &&
      entry.check.state !== 'verified'
    ) {
      entry.check = {
        state: 'verified',
        reason: null,
        detail: null,
        certificate: entry.check.certificate,
        checkedAt: record.startedAt,
      }
      this.#announce(config)
    }
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`
    const line = `${config.name} #${record.seq}: ${record.client} -> ${record.upstream} ${record.outcome}, ${kb(record.bytesFromClient)} up, ${kb(record.bytesToClient)} down, ${record.durationMs} ms${record.loginsFailed ? `, ${record.loginsFailed} login${record.loginsFailed === 1 ? '' : 's'} refused` : ''}${record.error ? `: ${record.error}` : ''}`
    if (record.outcome !== 'ok' && record.outcome !== 'stopped' && record.outcome !== 'idle-timeout')
      this.#context.log.warn('tunnel', line)
    else this.#context.log.info('tunnel', line)
    this.#context.events.emit('tunnel.connection', record)
  }

  /** Counters pushed once a second for the tunnels whose counters moved. */
  #tick(): void {
    if (this.#timer) return
    this.#timer = setInterval(() => {
      let running = 0
      for (const [id, entry] of this.#entries) {
        if (!entry.tunnel) continue
        running++
        const stats = entry.tunnel.stats()
        const key = JSON.stringify(stats)
        if (key === entry.lastStats) continue
        entry.lastStats = key
        this.#context.events.emit('tunnel.stats', { id, stats })
      }
      if (running === 0 && this.#timer) {
        clearInterval(this.#timer)
        this.#timer = null
      }
    }, STATS_INTERVAL_MS)
    this.#timer.unref()
  }

  /**
   * A local port is checked when the tunnel is saved, not first at Start: no other saved tunnel may
   * listen on it (0.0.0.0 and :: overlap every address), and nothing else may hold it now.
   */
  async #checkListenAddress(config: TunnelConfig, tunnels: TunnelConfig[]): Promise<void> {
    if (config.listenPort === 0) return
    const where = `${config.listenHost.includes(':') ? `[${config.listenHost}]` : config.listenHost}:${config.listenPort}`
    // A saved port, or the one a running tunnel of port 0 was given.
    const clash = tunnels.find((t) => {
      if (t.id === config.id) return false
      const bound = this.#entries.get(t.id)?.listening
      const port = bound?.port ?? t.listenPort
      return port === config.listenPort && hostsOverlap(t.listenHost, config.listenHost)
    })
    if (clash)
      throw new EngineError(
        'conflict',
        `Local port ${config.listenPort} is already used by the tunnel “${clash.name}” (${clash.listenHost}); choose another port, or 0 for any free one.`,
      )
    const problem = await bindProblem(config.listenHost, config.listenPort)
    if (problem === 'in-use')
      throw new EngineError(
        'conflict',
        `${where} is already in use by another program; choose another port, or 0 for any free one.`,
      )
    if (problem === 'privileged')
      throw new EngineError('conflict', `${where} needs privileges to listen on; choose a port above 1023.`)
  }

  /** Validation only: the constructor's checks (LAN opt-in, allowlist) without a live runtime. */
  #runtimeStub() {
    return {
      trust: { pin: null, description: '' },
      timeoutMs: 0,
      resolve: async (host: string) => host,
      onRecord: () => {},
      warn: () => {},
    }
  }
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]'])

function normalHost(host: string): string {
  const h = host.toLowerCase()
  return h === 'localhost' ? '127.0.0.1' : h
}

/** Two listen hosts that cannot both bind one port: the same address, or a wildcard and any other. */
export function hostsOverlap(a: string, b: string): boolean {
  const x = normalHost(a)
  const y = normalHost(b)
  if (x === y) return true
  // "::" takes IPv4 too (dual stack); "0.0.0.0" every IPv4 address.
  if (x === '::' || y === '::') return true
  if (WILDCARDS.has(x)) return !y.includes(':')
  if (WILDCARDS.has(y)) return !x.includes(':')
  return false
}

/** Listens once and closes at once: is the port free now? Other errors are left to Start. */
function bindProblem(host: string, port: number): Promise<'in-use' | 'privileged' | null> {
  return new Promise((resolve) => {
    const probe = net.createServer()
    probe.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'EADDRINUSE' ? 'in-use' : error.code === 'EACCES' ? 'privileged' : null)
    })
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)))
  })
}
