// runs.cancel: the one way to stop a long operation (probe, archive verification, ...).
import type { JobModule } from '../api/handlers.js'
import type { EngineContext } from '../context.js'

export function runsModule(context: EngineContext): JobModule<'runs.cancel'> {
  return {
    handlers: {
      'runs.cancel': async ({ runId }, caller) => ({ runId, cancelled: context.runs.cancel(runId, caller) }),
    },
  }
}
