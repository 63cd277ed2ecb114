// The dkim job's operations (shared/contract/dkim.ts), composed by core/engine.ts.
import type { JobModule } from '../api/handlers.js'
import type { EngineContext } from '../context.js'

export function dkimModule(_context: EngineContext): JobModule<never> {
  return { handlers: {} }
}
