// Every failure of a token request, as the seam's OAuthError: the id decides what happens
// (needs-authorization: sign in again; provider-refused: fix the app registration; unreachable:
// retry later), the sentence explains, and the provider's own code is kept (invalid_grant,
// AADSTS70000). No token, code or secret ever goes into a message: only the provider's error code
// and the first part of its description, which providers write for people.
import { AuthorizationResponseError, ClientError, ResponseBodyError } from 'openid-client'
import { OAuthNetworkError } from './oauth-fetch.js'
import { OAuthError } from './token-source.js'

const MAX_DESCRIPTION = 300

/** Errors at the token endpoint that mean "this refresh token (or code) is no good: sign in again". */
const NEEDS_AUTHORIZATION = new Set(['invalid_grant', 'expired_token', 'access_denied'])

/** AADSTS codes that mean the grant itself is gone (password changed, session revoked, MFA now required). */
const AADSTS_NEEDS_AUTHORIZATION = new Set([
  'AADSTS50076',
  'AADSTS50079',
  'AADSTS50173',
  'AADSTS70008',
  'AADSTS700082',
])

export function aadstsCode(description: string | undefined): string | null {
  return /\b(AADSTS\d{4,7})\b/.exec(description ?? '')?.[1] ?? null
}

function firstPart(description: string | undefined): string {
  if (!description) return ''
  // Microsoft appends trace and correlation ids on new lines; the first line is the sentence.
  const line = (description.split(/\r?\n/)[0] ?? '').trim()
  return line.length > MAX_DESCRIPTION ? `${line.slice(0, MAX_DESCRIPTION)}…` : line
}

/** The provider's answer as the seam's error; `during` names what was asked ("refreshing the token"). */
export function fromProviderAnswer(
  code: string,
  description: string | undefined,
  during: string,
): OAuthError {
  const aad = aadstsCode(description)
  const said = firstPart(description)
  const quoted = said ? ` (${said})` : ''
  if (NEEDS_AUTHORIZATION.has(code) || (aad !== null && AADSTS_NEEDS_AUTHORIZATION.has(aad)))
    return new OAuthError(
      'needs-authorization',
      `The provider no longer accepts this sign-in while ${during}: ${aad ?? code}${quoted}. Sign in again.`,
      aad ?? code,
    )
  const hint =
    code === 'invalid_client' || code === 'unauthorized_client'
      ? ' Check the client id (and secret, where the provider demands one) and that the app may use this flow.'
      : code === 'invalid_scope'
        ? ' The app registration does not allow the mail scopes asked for.'
        : ''
  return new OAuthError(
    'provider-refused',
    `The provider refused while ${during}: ${aad ?? code}${quoted}.${hint}`,
    aad ?? code,
  )
}

function findCause<T>(error: unknown, kind: abstract new (...args: never[]) => T): T | null {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof kind) return current
    current = (current as { cause?: unknown }).cause
  }
  return null
}

export function isAbort(error: unknown): boolean {
  return (
    (error instanceof Error && error.name === 'AbortError') ||
    findCause(error, OAuthNetworkError)?.code === 'EABORT'
  )
}

/** Any error of openid-client or our fetch, as an OAuthError (an OAuthError passes as it is). */
export function toOAuthError(error: unknown, during: string): OAuthError {
  if (error instanceof OAuthError) return error
  const body = findCause(error, ResponseBodyError)
  if (body) return fromProviderAnswer(body.error, body.error_description, during)
  const redirect = findCause(error, AuthorizationResponseError)
  if (redirect) return fromProviderAnswer(redirect.error, redirect.error_description, during)
  const network = findCause(error, OAuthNetworkError)
  if (network)
    return new OAuthError(
      'provider-unreachable',
      `The provider could not be reached while ${during}: ${network.message}`,
    )
  if (error instanceof ClientError || error instanceof TypeError)
    return new OAuthError(
      'provider-refused',
      `The provider's answer while ${during} was not usable: ${firstPart(error.message)}`,
      error instanceof ClientError ? (error.code ?? null) : null,
    )
  const message = error instanceof Error ? firstPart(error.message) : 'unknown error'
  return new OAuthError('provider-unreachable', `Talking to the provider failed while ${during}: ${message}`)
}
