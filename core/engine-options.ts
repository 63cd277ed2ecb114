// How a front door configures the engine. Its own module so that core/context.ts (which every job
// module imports) and core/engine.ts (which imports every job module) do not import each other.
import type { LogLevel } from '../shared/contract/index.js'
import type { Keychain } from './keychain/keychain.js'
import type { TokenSourceFor } from './tunnel/runtime.js'

export interface EngineOptions {
  /** Where settings live: Electron's userData, or configDir() for the CLI and web host. */
  configDir: string
  shell: 'electron' | 'web' | 'cli'
  /** Log lines at or above this level are echoed to stderr (the CLI and web host); null: none. */
  logEcho?: LogLevel | null
  /** Tests may pass another real keychain; production uses the OS keychain. */
  keychain?: Keychain
  /** The OAuth accounts' access-token sources for the tunnels, until core/oauth provides them
   * itself (tests pass one); absent: a tunnel with an OAuth account cannot start. */
  tokenSourceFor?: TokenSourceFor
}
