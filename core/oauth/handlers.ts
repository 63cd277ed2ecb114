// The OAuth job's operations (shared/contract/oauth.ts), composed by core/engine.ts. The service
// (service.ts) is made by the engine and shared through the context, because the tunnel's sign-in
// gate asks it for token sources too. An OAuthError becomes an `unavailable` error with its sentence.
import { oauthAuthorizeRun } from '../../shared/contract/oauth.js'
import { OAUTH_PROVIDERS } from '../../shared/knowledge/oauth-providers.js'
import { EngineError } from '../api/errors.js'
import type { JobModule } from '../api/handlers.js'
import type { EngineContext } from '../context.js'
import { CaFileError } from '../net/ca-file.js'
import { OAuthError } from './token-source.js'

type OAuthOps =
  | 'oauth.providers'
  | 'oauth.accounts'
  | 'oauth.account.save'
  | 'oauth.account.delete'
  | 'oauth.authorize'
  | 'oauth.logout'

async function explained<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof OAuthError) throw new EngineError('unavailable', error.message)
    if (error instanceof CaFileError) throw new EngineError('invalid-request', error.message)
    throw error
  }
}

export function oauthModule(context: EngineContext): JobModule<OAuthOps> {
  const oauth = context.oauth
  return {
    handlers: {
      'oauth.providers': async () => ({
        providers: Object.values(OAUTH_PROVIDERS).map((p) => ({
          id: p.id,
          name: p.name,
          endpoints: p.endpoints,
          scopes: [...p.scopes],
          mechanism: p.mechanism,
          flows: [...p.flows],
          needsClientSecret: p.needsClientSecret,
          defaultTenant: p.defaultTenant,
          registration: p.registration,
          notes: [...p.notes],
          mail: p.mail,
        })),
      }),
      'oauth.accounts': async () => ({ accounts: await oauth.states() }),
      'oauth.account.save': (request) => explained(() => oauth.save(request.account, request.clientSecret)),
      'oauth.account.delete': async (request) => ({
        id: request.id,
        deleted: await oauth.delete(request.id),
      }),
      'oauth.authorize': async (request, caller) => {
        await oauth.account(request.accountId) // not-found before a run starts
        return context.runs.start(
          {
            run: oauthAuthorizeRun,
            progressEvent: 'oauth.authorize.progress',
            finishedEvent: 'oauth.authorize.finished',
            label: 'sign-in',
          },
          caller,
          ({ signal, progress }) =>
            explained(() =>
              oauth.authorize(request.accountId, request.flow, {
                signal,
                onUrl: (url) => progress({ phase: 'open-browser', url }),
                onDeviceCode: (code) =>
                  progress({
                    phase: 'device-code',
                    userCode: code.userCode,
                    verificationUri: code.verificationUri,
                    verificationUriComplete: code.verificationUriComplete,
                    expiresAt: new Date(code.expiresAt).toISOString(),
                  }),
              }),
            ),
        )
      },
      'oauth.logout': (request) => explained(() => oauth.logout(request.id)),
    },
    // Sessions hold no sockets or timers: the access tokens go with the process.
    dispose: async () => {},
  }
}
