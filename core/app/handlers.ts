// app.info: what this build is and where it keeps its data.
import type { JobModule } from '../api/handlers.js'
import type { EngineContext } from '../context.js'
import { APP_NAME, APP_VERSION } from '../version.js'

export function appModule(context: EngineContext): JobModule<'app.info'> {
  return {
    handlers: {
      'app.info': async () => ({
        name: APP_NAME,
        version: APP_VERSION,
        platform: `${process.platform}-${process.arch}`,
        shell: context.options.shell,
        configDir: context.options.configDir,
        keychain: await context.keychain.status(),
      }),
    },
  }
}
