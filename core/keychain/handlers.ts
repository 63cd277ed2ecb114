// secrets.*: the OS keychain only. Values are never logged; names are.
import type { JobModule } from '../api/handlers.js'
import type { EngineContext } from '../context.js'

export function secretsModule(
  context: EngineContext,
): JobModule<'secrets.set' | 'secrets.get' | 'secrets.delete' | 'secrets.list'> {
  const { keychain, log } = context
  return {
    handlers: {
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
    },
  }
}
