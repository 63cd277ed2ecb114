// One account's session: the AccessTokenSource the tunnel's sign-in gate uses. The access token
// lives only here, in memory; it is refreshed when less than a minute is left (or when the server
// refused it: `force`), one refresh at a time; a rotated refresh token replaces the stored one at
// once. Each change of state is reported (signed-in with its times, needs-authorization,
// refresh-failed) for the UI; no token ever leaves this object except as accessToken()'s answer.
import * as client from 'openid-client'
import type { OAuthFailure, OAuthSessionState } from '../../shared/contract/oauth.js'
import type { OAuthAccount } from '../../shared/contract/oauth-account.js'
import { EngineError } from '../api/errors.js'
import { untilAborted } from '../runs/abortable.js'
import { toOAuthError } from './errors.js'
import type { Tokens } from './flows.js'
import { tokensOf } from './flows.js'
import { type AccessTokenSource, OAuthError } from './token-source.js'
import type { TokenStore } from './token-store.js'

/** Refresh when the held token has less than this left. */
export const REFRESH_MARGIN_MS = 60_000

export interface SessionSnapshot {
  state: OAuthSessionState
  accessTokenExpiresAt: string | null
  nextRefreshAt: string | null
  lastError: OAuthFailure | null
}

export interface SessionDeps {
  store: TokenStore
  /** The account's openid-client configuration (built lazily, may discover). */
  config(): Promise<client.Configuration>
  /** Called after every change of state. */
  changed(): void
  now?: () => number
}

function failureOf(error: OAuthError): OAuthFailure {
  return { id: error.id, message: error.message, providerCode: error.providerCode }
}

export class OAuthSession implements AccessTokenSource {
  #access: { token: string; expiresAt: number } | null = null
  #refreshing: Promise<string> | null = null
  #state: OAuthSessionState
  #lastError: OAuthFailure | null = null
  readonly #now: () => number

  constructor(
    readonly account: OAuthAccount,
    private readonly deps: SessionDeps,
    hasRefreshToken: boolean,
  ) {
    this.#state = hasRefreshToken ? 'signed-in' : 'signed-out'
    this.#now = deps.now ?? Date.now
  }

  get address(): string {
    return this.account.address
  }

  snapshot(): SessionSnapshot {
    const expiresAt = this.#access?.expiresAt ?? null
    return {
      state: this.#state,
      accessTokenExpiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
      nextRefreshAt: expiresAt === null ? null : new Date(expiresAt - REFRESH_MARGIN_MS).toISOString(),
      lastError: this.#lastError,
    }
  }

  async accessToken(options: { force?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    const held = this.#access
    if (!options.force && held && held.expiresAt - this.#now() > REFRESH_MARGIN_MS) return held.token
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = null
    })
    // The refresh runs on for the other callers; this one stops waiting at once.
    return untilAborted(this.#refreshing, options.signal)
  }

  /** A sign-in finished: keep its refresh token (keychain) and access token (memory). */
  async signedIn(tokens: Tokens): Promise<void> {
    if (!tokens.refreshToken)
      throw new OAuthError(
        'provider-refused',
        'The provider issued no refresh token, so the tunnel could not stay signed in; the app registration must allow offline access (offline_access).',
      )
    await this.deps.store.setRefreshToken(this.account.id, tokens.refreshToken)
    this.#access = { token: tokens.accessToken, expiresAt: tokens.expiresAt }
    this.#set('signed-in', null)
  }

  /** Forget the tokens here (logout, deletion); the caller deals with the keychain and the provider. */
  signedOut(): void {
    this.#access = null
    this.#set('signed-out', null)
  }

  async #refresh(): Promise<string> {
    const refreshToken = await this.deps.store.refreshToken(this.account.id)
    if (!refreshToken) {
      this.#access = null
      const error = new OAuthError(
        'needs-authorization',
        `${this.account.address} is not signed in (no refresh token is stored); sign in first.`,
      )
      this.#set(this.#state === 'signed-out' ? 'signed-out' : 'needs-authorization', failureOf(error))
      throw error
    }
    try {
      const config = await this.deps.config()
      const answer = await client.refreshTokenGrant(config, refreshToken)
      const tokens = tokensOf(answer, this.#now())
      // Rotation: a provider that issues a new refresh token may refuse the old one from now on.
      if (tokens.refreshToken && tokens.refreshToken !== refreshToken)
        await this.deps.store.setRefreshToken(this.account.id, tokens.refreshToken)
      this.#access = { token: tokens.accessToken, expiresAt: tokens.expiresAt }
      this.#set('signed-in', null)
      return tokens.accessToken
    } catch (error) {
      // The keychain refusing (locked, gone) is not the provider's doing: its own sentence goes up.
      if (error instanceof EngineError) {
        this.#set('refresh-failed', {
          id: 'provider-unreachable',
          message: error.message,
          providerCode: null,
        })
        throw error
      }
      const failure = toOAuthError(error, 'refreshing the access token')
      this.#access = null
      if (failure.id === 'needs-authorization') await this.#forget(refreshToken)
      this.#set(
        failure.id === 'needs-authorization' ? 'needs-authorization' : 'refresh-failed',
        failureOf(failure),
      )
      throw failure
    }
  }

  /** The provider refused this refresh token for good: it leaves the keychain, so that no other
   * process (a `mailwarden oauth status`, the app after a restart) calls the account signed in. Only
   * if it is still the stored one: another process may have signed in again meanwhile. */
  async #forget(refused: string): Promise<void> {
    try {
      if ((await this.deps.store.refreshToken(this.account.id)) === refused)
        await this.deps.store.deleteRefreshToken(this.account.id)
    } catch {
      // The keychain refusing now changes nothing for the caller: the account needs a sign-in.
    }
  }

  #set(state: OAuthSessionState, lastError: OAuthFailure | null): void {
    this.#state = state
    this.#lastError = lastError
    this.deps.changed()
  }
}
