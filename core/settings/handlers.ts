// settings.get / settings.update; every change is pushed to every window as settings.changed.
import type { JobModule } from '../api/handlers.js'
import type { EngineContext } from '../context.js'

export function settingsModule(context: EngineContext): JobModule<'settings.get' | 'settings.update'> {
  return {
    handlers: {
      'settings.get': () => context.settings.load(),
      'settings.update': async (patch) => {
        const state = await context.settings.update(patch)
        context.events.emit('settings.changed', state)
        return state
      },
    },
  }
}
