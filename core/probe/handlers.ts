// The probe job's operations (shared/contract/probe.ts), composed by core/engine.ts.
import type { JobModule } from '../api/handlers.js'
import type { EngineContext } from '../context.js'

export function probeModule(_context: EngineContext): JobModule<never> {
  return { handlers: {} }
}
