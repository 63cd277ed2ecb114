// The two ways to sign an account in, each ending in a token answer:
// - browser: authorization code with PKCE S256 and state (RFC 7636, RFC 6749 §10.12), redirected to
//   a one-shot loopback listener (RFC 8252); the caller opens the URL in the system browser;
// - device: the device authorization grant (RFC 8628): a user code and a verification URI to show,
//   then polling at the provider's interval (slower on slow_down) until it answers or the code expires.
import * as client from 'openid-client'
import { untilAborted } from '../runs/abortable.js'
import { toOAuthError } from './errors.js'
import { listenForRedirect } from './loopback.js'
import { OAuthError } from './token-source.js'

export interface Tokens {
  accessToken: string
  /** null when the provider issued none (then the account cannot stay signed in). */
  refreshToken: string | null
  /** Epoch milliseconds. */
  expiresAt: number
}

/** A token answer without expires_in is assumed to last an hour (the common lifetime). */
const DEFAULT_LIFETIME_S = 3600

export function tokensOf(answer: client.TokenEndpointResponse, now = Date.now()): Tokens {
  const lifetime =
    typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : DEFAULT_LIFETIME_S
  return {
    accessToken: answer.access_token,
    refreshToken: typeof answer.refresh_token === 'string' ? answer.refresh_token : null,
    expiresAt: now + lifetime * 1000,
  }
}

export interface BrowserFlowOptions {
  scopes: readonly string[]
  authorizationParams?: Readonly<Record<string, string>>
  /** Called with the URL to open (the CLI opens the browser and prints it). */
  onUrl(url: string): void | Promise<void>
  signal?: AbortSignal
  timeoutMs?: number
  /** Hint for the provider's login page (Microsoft, Google honour it). */
  loginHint?: string
}

export async function browserFlow(
  config: client.Configuration,
  options: BrowserFlowOptions,
): Promise<Tokens> {
  const verifier = client.randomPKCECodeVerifier()
  const challenge = await client.calculatePKCECodeChallenge(verifier)
  const state = client.randomState()
  const listener = await listenForRedirect({
    expectedState: state,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  })
  try {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: listener.redirectUri,
      response_type: 'code',
      scope: options.scopes.join(' '),
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
      ...(options.loginHint ? { login_hint: options.loginHint } : {}),
      ...options.authorizationParams,
    })
    await options.onUrl(url.href)
    const redirected = await listener.result
    try {
      const answer = await client.authorizationCodeGrant(config, redirected, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      })
      return tokensOf(answer)
    } catch (error) {
      throw toOAuthError(error, 'exchanging the sign-in code')
    }
  } finally {
    listener.close()
  }
}

export interface DeviceCode {
  userCode: string
  verificationUri: string
  verificationUriComplete: string | null
  expiresAt: number
}

export interface DeviceFlowOptions {
  scopes: readonly string[]
  onCode(code: DeviceCode): void | Promise<void>
  signal?: AbortSignal
}

export async function deviceFlow(config: client.Configuration, options: DeviceFlowOptions): Promise<Tokens> {
  if (!config.serverMetadata().device_authorization_endpoint)
    throw new OAuthError(
      'provider-refused',
      'This provider offers no device sign-in for mail; sign in with the browser (the URL can be opened on another machine).',
    )
  let started: client.DeviceAuthorizationResponse
  try {
    started = await client.initiateDeviceAuthorization(config, { scope: options.scopes.join(' ') })
  } catch (error) {
    throw toOAuthError(error, 'asking for a device code')
  }
  await options.onCode({
    userCode: started.user_code,
    verificationUri: started.verification_uri,
    verificationUriComplete: started.verification_uri_complete ?? null,
    expiresAt: Date.now() + started.expires_in * 1000,
  })
  try {
    // openid-client polls at `interval`, adds 5 s on slow_down, and stops at expires_in or at the
    // signal, which it looks at only between polls: a cancel stops the wait at once here.
    const answer = await untilAborted(
      client.pollDeviceAuthorizationGrant(config, started, undefined, { signal: options.signal }),
      options.signal,
    )
    return tokensOf(answer)
  } catch (error) {
    if (options.signal?.aborted) throw error
    throw toOAuthError(error, 'waiting for the device sign-in')
  }
}
