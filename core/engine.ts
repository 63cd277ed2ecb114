// The engine as one object: handlers for every operation and the event stream. Each front door
// (Electron IPC, the web host, the CLI) creates one and only talks to it through these two.
import type { Envelope, EventName, EventPayload, LogLevel } from '../shared/contract/index.js'
import { type DispatchLogger, dispatch } from './api/dispatch.js'
import type { Handlers } from './api/handlers.js'
import { EventBus } from './events/bus.js'
import { type Keychain, openSystemKeychain } from './keychain/keychain.js'
import { createLogger, type Logger } from './log/logger.js'
import { SettingsStore } from './settings/store.js'
import { APP_NAME, APP_VERSION } from './version.js'

export interface EngineOptions {
  /** Where settings live: Electron's userData, or configDir() for the CLI and web host. */
  configDir: string
  shell: 'electron' | 'web' | 'cli'
  /** Log lines at or above this level are echoed to stderr (the CLI and web host); null: none. */
  logEcho?: LogLevel | null
  /** Tests may pass another real keychain; production uses the OS keychain. */
  keychain?: Keychain
}

export interface Engine {
  readonly handlers: Handlers
  readonly events: EventBus
  readonly log: Logger
  readonly settings: SettingsStore
  /** Validates and runs one operation from an untrusted caller. */
  call(op: unknown, payload: unknown): Promise<Envelope<unknown>>
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void
}

export function createEngine(options: EngineOptions): Engine {
  const events = new EventBus()
  const log = createLogger(events, { echoLevel: options.logEcho ?? null })
  const settings = new SettingsStore(options.configDir, log)
  const keychain = options.keychain ?? openSystemKeychain()

  const handlers: Handlers = {
    'app.info': async () => ({
      name: APP_NAME,
      version: APP_VERSION,
      platform: `${process.platform}-${process.arch}`,
      shell: options.shell,
      configDir: options.configDir,
      keychain: await keychain.status(),
    }),
    'settings.get': () => settings.load(),
    'settings.update': async (patch) => {
      const state = await settings.update(patch)
      events.emit('settings.changed', state)
      return state
    },
    'secrets.set': async ({ account, secret }) => {
      await keychain.set(account, secret)
      log.info('keychain', `Stored a secret for ${account}.`)
      return { account }
    },
    'secrets.get': async ({ account }) => ({ account, secret: await keychain.get(account) }),
    'secrets.delete': async ({ account }) => {
      const deleted = await keychain.delete(account)
      if (deleted) log.info('keychain', `Deleted the secret for ${account}.`)
      return { account, deleted }
    },
    'secrets.list': async () => ({ accounts: await keychain.list() }),
  }

  const logError: DispatchLogger = (message) => log.error('engine', message)
  return {
    handlers,
    events,
    log,
    settings,
    call: (op, payload) => dispatch(handlers, op, payload, logError),
    on: (event, listener) => events.on(event, listener),
  }
}
