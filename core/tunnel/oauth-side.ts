// The OAuth side of one tunnel (config.oauth), as the manager keeps it: the token source of its
// account, the digest of its local password (read from the keychain once, replaced when the user
// sets a new one; the password itself is not kept), and its state for the UI, which the sign-in
// gate's results move (ready, needs-authorization, refresh-failed) and the manager announces.
import type { TunnelOAuthState, TunnelOAuthStateName } from '../../shared/contract/tunnel.js'
import type { TunnelConfig } from '../../shared/contract/tunnel-config.js'
import type { Keychain } from '../keychain/keychain.js'
import type { AccessTokenSource } from '../oauth/token-source.js'
import type { TokenSourceFor } from './runtime.js'
import type { SignInResult, SignInRuntime } from './sign-in/gate.js'
import { localPasswordSecretName, passwordDigest } from './sign-in/local-password.js'

export class TunnelOAuthSide {
  readonly accountId: string
  /** Null when the engine has no token source for the account (lastError says why). */
  readonly tokens: AccessTokenSource | null
  #digest: Buffer | null
  #state: TunnelOAuthStateName = 'ready'
  #lastError: string | null

  constructor(
    accountId: string,
    tokens: AccessTokenSource | null,
    digest: Buffer | null,
    error: string | null,
  ) {
    this.accountId = accountId
    this.tokens = tokens
    this.#digest = digest
    this.#lastError = error
  }

  /** The side of a tunnel with `oauth`: its token source and its local password's digest. */
  static async load(
    keychain: Keychain,
    config: TunnelConfig & { oauth: NonNullable<TunnelConfig['oauth']> },
    tokenSourceFor: TokenSourceFor | null,
  ): Promise<TunnelOAuthSide> {
    const accountId = config.oauth.accountId
    let tokens: AccessTokenSource | null = null
    let error: string | null = null
    if (!tokenSourceFor) error = 'OAuth 2.0 sign-in is not available in this engine.'
    else
      try {
        tokens = await tokenSourceFor(accountId)
      } catch (failure) {
        error = failure instanceof Error ? failure.message : String(failure)
      }
    let password: string | null = null
    try {
      password = await keychain.get(localPasswordSecretName(config.id))
    } catch (failure) {
      // Every client login is refused until it can be read: said, not hidden as "no password".
      error ??= `The local password could not be read: ${failure instanceof Error ? failure.message : String(failure)}`
    }
    return new TunnelOAuthSide(accountId, tokens, password === null ? null : passwordDigest(password), error)
  }

  /** A new local password (null: deleted). */
  setPassword(password: string | null): void {
    this.#digest = password === null ? null : passwordDigest(password)
  }

  /** What the gate of each connection is given; `changed` runs when the state moved. */
  runtime(tokens: AccessTokenSource, changed: () => void): SignInRuntime {
    return {
      tokens,
      localPasswordDigest: () => this.#digest,
      onResult: (result) => {
        if (this.#apply(result)) changed()
      },
    }
  }

  view(): TunnelOAuthState {
    return {
      accountId: this.accountId,
      address: this.tokens?.address ?? null,
      state: this.#state,
      localPasswordSet: this.#digest !== null,
      lastError: this.#lastError,
    }
  }

  /** True when the state or its error changed. */
  #apply(result: SignInResult): boolean {
    const before = `${this.#state}\n${this.#lastError}`
    if (result.state === 'ready') {
      this.#state = 'ready'
      this.#lastError = null
    } else if (result.state === 'refused') {
      // The token was had; the server refused the login: the sign-in itself is not at fault.
      this.#lastError = result.error
    } else {
      this.#state = result.state
      this.#lastError = result.error
    }
    return before !== `${this.#state}\n${this.#lastError}`
  }
}
