// An access-token source for the sign-in gate's tests (core/oauth's real one needs a provider): it
// hands out the tokens it is given, in order, one per call (the last one again when they run out),
// or throws the OAuthError it is told to; each call's `force` is kept.
import { type AccessTokenSource, OAuthError, type OAuthFailureId } from '../../core/oauth/token-source.js'
import type { SignInResult, SignInRuntime } from '../../core/tunnel/sign-in/gate.js'
import { passwordDigest } from '../../core/tunnel/sign-in/local-password.js'

export class FakeTokens implements AccessTokenSource {
  readonly address: string
  readonly calls: { force: boolean }[] = []
  #tokens: string[]
  failure: OAuthError | null = null

  constructor(address: string, tokens: string[]) {
    this.address = address
    this.#tokens = tokens
  }

  async accessToken(options: { force?: boolean } = {}): Promise<string> {
    this.calls.push({ force: options.force === true })
    if (this.failure) throw this.failure
    const token = this.#tokens.length > 1 ? this.#tokens.shift() : this.#tokens[0]
    if (token === undefined) throw new OAuthError('needs-authorization', 'No token.')
    return token
  }

  fail(id: OAuthFailureId, message: string, providerCode: string | null = null): void {
    this.failure = new OAuthError(id, message, providerCode)
  }
}

/** A sign-in runtime with a fake token source, a local password and the results kept. */
export function fakeSignIn(
  tokens: FakeTokens,
  localPassword: string | null,
): SignInRuntime & { results: SignInResult[] } {
  const results: SignInResult[] = []
  const digest = localPassword === null ? null : passwordDigest(localPassword)
  return {
    tokens,
    localPasswordDigest: () => digest,
    onResult: (result) => results.push(result),
    results,
    wrongPasswordDelayMs: 200,
    deadlineMs: 5_000,
  }
}
