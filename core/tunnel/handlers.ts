// The tunnel job's operations (shared/contract/tunnel.ts), composed by core/engine.ts.
import type { JobModule } from '../api/handlers.js'
import type { EngineContext } from '../context.js'
import { inspectUpstream } from './inspect.js'
import { TunnelManager } from './manager.js'
import type { TokenSourceFor } from './runtime.js'

type TunnelOps =
  | 'tunnel.list'
  | 'tunnel.create'
  | 'tunnel.update'
  | 'tunnel.delete'
  | 'tunnel.start'
  | 'tunnel.stop'
  | 'tunnel.log'
  | 'tunnel.inspect'
  | 'tunnel.setLocalPassword'

export interface TunnelModuleDeps {
  /** The OAuth accounts' token sources (core/oauth); null: a tunnel with `oauth` cannot start. */
  tokenSourceFor: TokenSourceFor | null
}

export function tunnelModule(
  context: EngineContext,
  deps: TunnelModuleDeps = { tokenSourceFor: null },
): JobModule<TunnelOps> {
  const manager = new TunnelManager(context, { tokenSourceFor: deps.tokenSourceFor })
  // The app starts the tunnels marked so; a one-shot CLI command (settings, probe) does not.
  if (context.options.shell !== 'cli')
    setImmediate(() =>
      manager
        .autoStart()
        .catch((error: unknown) =>
          context.log.warn('tunnel', `Could not start the saved tunnels: ${String(error)}`),
        ),
    )
  return {
    handlers: {
      'tunnel.list': async () => ({ tunnels: await manager.list() }),
      'tunnel.create': (draft) => manager.create(draft),
      'tunnel.update': ({ id, patch }) => manager.update(id, patch),
      'tunnel.delete': async ({ id }) => ({ id, deleted: await manager.delete(id) }),
      'tunnel.start': ({ id }) => manager.start(id),
      'tunnel.stop': ({ id }) => manager.stop(id),
      'tunnel.log': async ({ id, limit }) => ({ records: manager.log(id, limit) }),
      'tunnel.inspect': (request) => inspectUpstream(context, request),
      'tunnel.setLocalPassword': ({ id, password }) => manager.setLocalPassword(id, password),
    },
    dispose: () => manager.dispose(),
  }
}
