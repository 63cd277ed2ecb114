// The OAuth accounts of the engine: one session per account (kept while the account is unchanged),
// sign-in, sign-out with revocation (RFC 7009, where the provider has the endpoint), and the state
// the UI shows. `tokenSource(accountId)` is what the tunnel's sign-in gate calls.
import * as client from 'openid-client'
import type { OAuthAccountState, OAuthFlowId, OAuthLogoutResult } from '../../shared/contract/oauth.js'
import type { OAuthAccount } from '../../shared/contract/oauth-account.js'
import { OAUTH_PROVIDERS } from '../../shared/knowledge/oauth-providers.js'
import { EngineError } from '../api/errors.js'
import type { Resolver } from '../dns/resolver.js'
import type { EventBus } from '../events/bus.js'
import type { Keychain } from '../keychain/keychain.js'
import type { Logger } from '../log/logger.js'
import { readCaFile } from '../net/ca-file.js'
import type { SettingsStore } from '../settings/store.js'
import { clientFor, scopesOf } from './client.js'
import { toOAuthError } from './errors.js'
import { browserFlow, type DeviceCode, deviceFlow, type Tokens } from './flows.js'
import { OAuthSession } from './session.js'
import { type AccessTokenSource, OAuthError } from './token-source.js'
import { TokenStore } from './token-store.js'

export interface OAuthServiceDeps {
  settings: SettingsStore
  keychain: Keychain
  events: EventBus
  log: Logger
  resolver(): Promise<Resolver>
}

export interface AuthorizeCallbacks {
  onUrl(url: string): void | Promise<void>
  onDeviceCode(code: DeviceCode): void | Promise<void>
  signal?: AbortSignal
  /** Tests shorten the browser flow's wait. */
  browserTimeoutMs?: number
}

export class OAuthService {
  readonly store: TokenStore
  readonly #sessions = new Map<string, { json: string; session: OAuthSession }>()
  /** Whether a client secret is stored, per account (read with the session, set by save). */
  readonly #hasSecret = new Map<string, boolean>()

  constructor(private readonly deps: OAuthServiceDeps) {
    this.store = new TokenStore(deps.keychain)
  }

  async accounts(): Promise<OAuthAccount[]> {
    return (await this.deps.settings.load()).settings.oauthAccounts
  }

  async account(id: string): Promise<OAuthAccount> {
    const found = (await this.accounts()).find((a) => a.id === id)
    if (!found) throw new EngineError('not-found', `There is no OAuth account "${id}".`)
    return found
  }

  /** The seam for the tunnel: the account's AccessTokenSource. Throws OAuthError for an unknown account. */
  async tokenSource(accountId: string): Promise<AccessTokenSource> {
    try {
      return await this.#session(await this.account(accountId))
    } catch (error) {
      if (error instanceof EngineError && error.code === 'not-found')
        throw new OAuthError('needs-authorization', `${error.message} Add it and sign in.`)
      throw error
    }
  }

  async state(id: string): Promise<OAuthAccountState> {
    return this.#stateOf(await this.#session(await this.account(id)))
  }

  async states(): Promise<OAuthAccountState[]> {
    return Promise.all((await this.accounts()).map(async (a) => this.#stateOf(await this.#session(a))))
  }

  async save(account: OAuthAccount, clientSecret: string | null | undefined): Promise<OAuthAccountState> {
    if (clientSecret) await this.store.setClientSecret(account.id, clientSecret)
    else if (clientSecret === null) await this.store.deleteClientSecret(account.id)
    if (clientSecret !== undefined) this.#hasSecret.set(account.id, Boolean(clientSecret))
    const others = (await this.accounts()).filter((a) => a.id !== account.id)
    await this.deps.settings.update({ oauthAccounts: [...others, account] })
    const state = await this.state(account.id)
    this.deps.events.emit('oauth.status', state)
    return state
  }

  async delete(id: string): Promise<boolean> {
    const accounts = await this.accounts()
    const kept = accounts.filter((a) => a.id !== id)
    await this.store.deleteAll(id)
    this.#sessions.get(id)?.session.signedOut()
    this.#sessions.delete(id)
    this.#hasSecret.delete(id)
    if (kept.length === accounts.length) return false
    await this.deps.settings.update({ oauthAccounts: kept })
    this.deps.events.emit('oauth.deleted', { id })
    return true
  }

  async authorize(id: string, flow: OAuthFlowId, callbacks: AuthorizeCallbacks): Promise<OAuthAccountState> {
    const account = await this.account(id)
    const preset = OAUTH_PROVIDERS[account.provider]
    if (account.provider !== 'custom' && !preset.flows.includes(flow))
      throw new OAuthError(
        'provider-refused',
        flow === 'device'
          ? `${preset.name} does not allow the device sign-in for mail; use the browser sign-in (its URL can be opened on another machine).`
          : `${preset.name} offers no sign-in for mail to apps like this one. ${preset.registration.text}`,
      )
    const config = await this.#config(account)
    const scopes = scopesOf(account)
    const tokens: Tokens =
      flow === 'browser'
        ? await browserFlow(config, {
            scopes,
            authorizationParams: preset.authorizationParams,
            loginHint: account.address,
            onUrl: callbacks.onUrl,
            signal: callbacks.signal,
            timeoutMs: callbacks.browserTimeoutMs,
          })
        : await deviceFlow(config, { scopes, onCode: callbacks.onDeviceCode, signal: callbacks.signal })
    const session = await this.#session(account)
    await session.signedIn(tokens)
    this.deps.log.info('oauth', `${account.address} (${account.id}) signed in with the ${flow} flow.`)
    return this.#stateOf(session)
  }

  async logout(id: string): Promise<OAuthLogoutResult> {
    const account = await this.account(id)
    const session = await this.#session(account)
    const refreshToken = await this.store.refreshToken(id)
    let revocation: OAuthLogoutResult['revocation'] = 'nothing'
    let message = `${account.address} was not signed in.`
    if (refreshToken) {
      try {
        const config = await this.#config(account)
        if (config.serverMetadata().revocation_endpoint) {
          await client.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' })
          revocation = 'revoked'
          message = `The provider revoked the refresh token of ${account.address}; it is deleted here too.`
        } else {
          revocation = 'no-endpoint'
          message = `The provider has no revocation endpoint: the refresh token of ${account.address} is deleted here; revoke the app's access in the account's security page if it was exposed.`
        }
      } catch (error) {
        revocation = 'failed'
        message = `The refresh token is deleted here, but the provider could not revoke it: ${toOAuthError(error, 'revoking the token').message}`
      }
    }
    await this.store.deleteRefreshToken(id)
    session.signedOut()
    this.deps.log.info('oauth', `${account.address} (${account.id}) signed out (${revocation}).`)
    return { state: this.#stateOf(session), revocation, message }
  }

  async #config(account: OAuthAccount): Promise<client.Configuration> {
    const { settings } = await this.deps.settings.load()
    const extraCa = settings.extraCaFile ? (await readCaFile(settings.extraCaFile)).pem : null
    return clientFor(account, {
      resolver: await this.deps.resolver(),
      extraCa,
      timeoutMs: settings.connectTimeoutSeconds * 1000,
      clientSecret: await this.store.clientSecret(account.id),
    })
  }

  async #session(account: OAuthAccount): Promise<OAuthSession> {
    const json = JSON.stringify(account)
    const cached = this.#sessions.get(account.id)
    if (cached && cached.json === json) return cached.session
    const hasRefreshToken = (await this.store.refreshToken(account.id)) !== null
    this.#hasSecret.set(account.id, (await this.store.clientSecret(account.id)) !== null)
    let configured: Promise<client.Configuration> | null = null
    const session: OAuthSession = new OAuthSession(
      account,
      {
        store: this.store,
        // Built once per session (a discovery is one request); a failure is tried again next time.
        config: () => {
          configured ??= this.#config(account).catch((error: unknown) => {
            configured = null
            throw error
          })
          return configured
        },
        changed: () => this.deps.events.emit('oauth.status', this.#stateOf(session)),
      },
      hasRefreshToken,
    )
    this.#sessions.set(account.id, { json, session })
    return session
  }

  #stateOf(session: OAuthSession): OAuthAccountState {
    const snapshot = session.snapshot()
    return {
      account: session.account,
      signedIn: snapshot.state === 'signed-in',
      hasClientSecret: this.#hasSecret.get(session.account.id) ?? false,
      ...snapshot,
    }
  }
}
