// The tunnel job's operations (shared/contract/tunnel.ts), composed by core/engine.ts.
import type { JobModule } from '../api/handlers.js'
import type { EngineContext } from '../context.js'

export function tunnelModule(_context: EngineContext): JobModule<never> {
  return { handlers: {} }
}
