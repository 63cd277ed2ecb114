// What every job module of the engine is given: the shared services, never the front doors.

import { createResolver, type Resolver } from './dns/resolver.js'
import type { EngineOptions } from './engine-options.js'
import type { EventBus } from './events/bus.js'
import type { Keychain } from './keychain/keychain.js'
import type { Logger } from './log/logger.js'
import type { OAuthService } from './oauth/service.js'
import type { RunRegistry } from './runs/registry.js'
import type { SettingsStore } from './settings/store.js'

export interface EngineContext {
  readonly options: EngineOptions
  readonly events: EventBus
  readonly log: Logger
  readonly settings: SettingsStore
  readonly keychain: Keychain
  readonly runs: RunRegistry
  /** OAuth 2.0 accounts and their sessions; `oauth.tokenSource(accountId)` gives the tunnel its tokens. */
  readonly oauth: OAuthService
  /**
   * The one resolver: the DNS server a request names (the CLI's --dns), else the dnsServer
   * setting, else the system's.
   */
  resolver(override?: string | null): Promise<Resolver>
}

export function resolverFactory(settings: SettingsStore): EngineContext['resolver'] {
  return async (override) => {
    if (override) return createResolver({ server: override })
    const { settings: current } = await settings.load()
    return createResolver({ server: current.dnsServer })
  }
}
