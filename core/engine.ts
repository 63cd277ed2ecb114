// The engine as one object: it composes each job module's handlers and owns the event stream.
// Each front door (Electron IPC, the web host, the CLI) creates one and only talks to it through
// call/on, tells it when a caller (window, tab) goes away, and disposes it on exit.
import type { Envelope, EventName, EventPayload } from '../shared/contract/index.js'
import { type DispatchLogger, dispatch } from './api/dispatch.js'
import { type Caller, type Handlers, type JobModule, LOCAL_CALLER } from './api/handlers.js'
import { appModule } from './app/handlers.js'
import { type EngineContext, resolverFactory } from './context.js'
import { dkimModule } from './dkim/handlers.js'
import { domainModule } from './domain/handlers.js'
import type { EngineOptions } from './engine-options.js'
import { EventBus } from './events/bus.js'
import { secretsModule } from './keychain/handlers.js'
import { openSystemKeychain } from './keychain/keychain.js'
import { createLogger, type Logger } from './log/logger.js'
import { oauthModule } from './oauth/handlers.js'
import { OAuthService } from './oauth/service.js'
import { accountsModule } from './probe/accounts/handlers.js'
import { probeModule } from './probe/handlers.js'
import { runsModule } from './runs/handlers.js'
import { RunRegistry } from './runs/registry.js'
import { settingsModule } from './settings/handlers.js'
import { SettingsStore } from './settings/store.js'
import { tunnelModule } from './tunnel/handlers.js'

export type { EngineOptions }

export interface Engine {
  readonly handlers: Handlers
  readonly events: EventBus
  readonly log: Logger
  readonly settings: SettingsStore
  readonly context: EngineContext
  /** Validates and runs one operation from an untrusted caller. */
  call(op: unknown, payload: unknown, caller?: Caller): Promise<Envelope<unknown>>
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void
  /** A window or tab went away: cancel the runs it started. */
  releaseCaller(caller: Caller): void
  /** Stops every run and tunnel and closes every socket; front doors call it on exit. */
  dispose(): Promise<void>
}

export function createEngine(options: EngineOptions): Engine {
  const events = new EventBus()
  const log = createLogger(events, { echoLevel: options.logEcho ?? null })
  const settings = new SettingsStore(options.configDir, log)
  const keychain = options.keychain ?? openSystemKeychain()
  const runs = new RunRegistry(events, log)
  const resolver = resolverFactory(settings)
  const oauth = new OAuthService({ settings, keychain, events, log, resolver: () => resolver() })
  const context: EngineContext = {
    options,
    events,
    log,
    settings,
    keychain,
    runs,
    oauth,
    resolver,
  }

  const modules: JobModule<never>[] = [
    appModule(context),
    settingsModule(context),
    secretsModule(context),
    runsModule(context),
    probeModule(context),
    accountsModule(context),
    dkimModule(context),
    domainModule(context),
    // A tunnel with an OAuth 2.0 account logs in upstream with the account's tokens.
    tunnelModule(context, { tokenSourceFor: options.tokenSourceFor ?? ((id) => oauth.tokenSource(id)) }),
    oauthModule(context),
  ] as unknown as JobModule<never>[]
  // Each module's handlers are typed against its own operations; together they cover them all
  // (api.test.ts checks that no operation is left without a handler).
  const handlers = Object.assign({}, ...modules.map((m) => m.handlers)) as Handlers

  let disposed: Promise<void> | null = null
  const logError: DispatchLogger = (message) => log.error('engine', message)
  return {
    handlers,
    events,
    log,
    settings,
    context,
    call: (op, payload, caller = LOCAL_CALLER) => dispatch(handlers, op, payload, logError, caller),
    on: (event, listener) => events.on(event, listener),
    releaseCaller: (caller) => {
      const cancelled = runs.releaseCaller(caller)
      if (cancelled > 0)
        log.info('engine', `A window closed; cancelled ${cancelled} operation(s) it started.`)
    },
    dispose: () => {
      disposed ??= (async () => {
        await runs.dispose()
        await Promise.allSettled(modules.map((m) => m.dispose?.()))
      })()
      return disposed
    },
  }
}
