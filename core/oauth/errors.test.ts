// How token endpoint answers become the seam's failures (pure: the error objects openid-client throws).
import { ResponseBodyError } from 'openid-client'
import { describe, expect, it } from 'vitest'
import { aadstsCode, fromProviderAnswer, toOAuthError } from './errors.js'
import { OAuthNetworkError } from './oauth-fetch.js'
import { OAuthError } from './token-source.js'

function bodyError(error: string, description?: string): ResponseBodyError {
  const response = new Response('{}', { status: 400 })
  // The shape openid-client builds from a token endpoint's JSON error.
  return Object.assign(Object.create(ResponseBodyError.prototype) as ResponseBodyError, {
    error,
    error_description: description,
    status: 400,
    response,
    message: 'server responded with an error in the response body',
  })
}

describe('OAuth failures', () => {
  it('invalid_grant means sign in again', () => {
    const e = toOAuthError(
      bodyError('invalid_grant', 'grant request is invalid'),
      'refreshing the access token',
    )
    expect(e).toMatchObject({ id: 'needs-authorization', providerCode: 'invalid_grant' })
    expect(e.message).toMatch(/Sign in again/)
  })

  it('invalid_client and unauthorized_client are the provider refusing the app', () => {
    expect(fromProviderAnswer('invalid_client', undefined, 'x')).toMatchObject({
      id: 'provider-refused',
      providerCode: 'invalid_client',
    })
    expect(fromProviderAnswer('unauthorized_client', undefined, 'x').message).toMatch(/client id/)
  })

  it('keeps the AADSTS code and only the first line of the description', () => {
    const d =
      'AADSTS65001: The user or administrator has not consented to use the application.\r\nTrace ID: 1\r\nCorrelation ID: 2'
    expect(aadstsCode(d)).toBe('AADSTS65001')
    const e = fromProviderAnswer('invalid_grant', d, 'refreshing')
    // invalid_grant with a consent code: still sign in again, but the AADSTS code is what is reported.
    expect(e).toMatchObject({ id: 'needs-authorization', providerCode: 'AADSTS65001' })
    expect(e.message).not.toMatch(/Trace ID/)
    expect(
      fromProviderAnswer('invalid_client', 'AADSTS7000218: client_assertion or client_secret required', 'x'),
    ).toMatchObject({
      id: 'provider-refused',
      providerCode: 'AADSTS7000218',
    })
    expect(fromProviderAnswer('interaction_required', 'AADSTS50076: MFA required', 'x')).toMatchObject({
      id: 'needs-authorization',
    })
  })

  it('a network failure is provider-unreachable, found through causes', () => {
    const net = new OAuthNetworkError('https://x/token did not answer within 100 ms.', 'ETIMEDOUT')
    expect(toOAuthError(new Error('wrapped', { cause: net }), 'refreshing')).toMatchObject({
      id: 'provider-unreachable',
    })
  })

  it('passes an OAuthError through unchanged', () => {
    const e = new OAuthError('needs-authorization', 'x')
    expect(toOAuthError(e, 'y')).toBe(e)
  })

  it('cuts a long description', () => {
    expect(fromProviderAnswer('invalid_request', 'a'.repeat(2000), 'x').message.length).toBeLessThan(500)
  })
})
