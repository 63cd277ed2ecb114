// The SASL messages of the sign-in gate against the published examples (Google's XOAUTH2 page,
// RFC 7628 §4), the client's PLAIN and LOGIN decoding, the mechanism choice, the local password.
import { describe, expect, it } from 'vitest'
import { explainOAuthRefusal } from '../../../shared/knowledge/oauth-refusals.js'
import { checkLocalLogin, localPasswordSecretName, passwordDigest } from './local-password.js'
import {
  chooseMechanism,
  decodeBase64Line,
  decodeChallenge,
  decodePlain,
  failureAcknowledgement,
  oauthBearerResponse,
  xoauth2Response,
} from './sasl.js'

describe('upstream SASL encodings', () => {
  it('XOAUTH2 as in Google’s documentation', () => {
    expect(xoauth2Response('someuser@example.com', 'ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg')).toBe(
      'dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==',
    )
  })

  it('OAUTHBEARER as in RFC 7628 §4.1', () => {
    expect(
      oauthBearerResponse(
        'user@example.com',
        'server.example.com',
        143,
        'vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==',
      ),
    ).toBe(
      'bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB',
    )
  })

  it('escapes "=" and "," in the OAUTHBEARER authzid (RFC 5801 saslname)', () => {
    const decoded = Buffer.from(oauthBearerResponse('a=b,c@x', 'h', 1, 't'), 'base64').toString()
    expect(decoded.startsWith('n,a=a=3Db=2Cc@x,\x01')).toBe(true)
  })

  it('acknowledges a failure challenge as each mechanism wants', () => {
    expect(failureAcknowledgement('XOAUTH2')).toBe('')
    expect(failureAcknowledgement('OAUTHBEARER')).toBe('AQ==')
  })

  it('decodes the RFC 7628 failure challenge and explains it', () => {
    const json = decodeChallenge(
      'eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=',
    )
    expect(json).toBe(
      '{"status":"invalid_token","scope":"example_scope","openid-configuration":"https://example.com/.well-known/openid-configuration"}',
    )
    expect(explainOAuthRefusal(json).id).toBe('xoauth2-invalid-token')
    expect(decodeChallenge('not base64!')).toBe('')
  })

  it('chooses OAUTHBEARER when offered under auto, else XOAUTH2; a configured one always', () => {
    expect(chooseMechanism('auto', ['PLAIN', 'XOAUTH2', 'oauthbearer'])).toBe('OAUTHBEARER')
    expect(chooseMechanism('auto', ['LOGIN', 'XOAUTH2'])).toBe('XOAUTH2')
    expect(chooseMechanism('auto', [])).toBe('XOAUTH2')
    expect(chooseMechanism('xoauth2', ['OAUTHBEARER'])).toBe('XOAUTH2')
    expect(chooseMechanism('oauthbearer', [])).toBe('OAUTHBEARER')
  })
})

describe('the client’s login', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64')

  it('PLAIN: authzid, user, password (RFC 4616); malformed is null', () => {
    expect(decodePlain(b64('\0alice@lab.test\0pass word'))).toEqual({
      authzid: '',
      user: 'alice@lab.test',
      password: 'pass word',
    })
    expect(decodePlain(b64('admin\0alice\0pw'))).toEqual({ authzid: 'admin', user: 'alice', password: 'pw' })
    expect(decodePlain(b64('alice\0pw'))).toBeNull()
    expect(decodePlain(b64('\0\0pw'))).toBeNull()
    expect(decodePlain('')).toBeNull()
    expect(decodePlain('**')).toBeNull()
  })

  it('LOGIN: one base64 line each', () => {
    expect(decodeBase64Line('YWxpY2U=')).toBe('alice')
    expect(decodeBase64Line('')).toBe('')
    expect(decodeBase64Line('a b')).toBeNull()
  })

  it('the local password: digest compared, user must be the address (case-insensitive)', () => {
    const expected = { address: 'Alice@Lab.test', digest: passwordDigest('s3cret pass') }
    expect(checkLocalLogin({ user: 'alice@lab.test', password: 's3cret pass' }, expected)).toBe(true)
    expect(checkLocalLogin({ user: 'alice@lab.test', password: 's3cret pas' }, expected)).toBe(false)
    expect(checkLocalLogin({ user: 'bob@lab.test', password: 's3cret pass' }, expected)).toBe(false)
    expect(checkLocalLogin({ user: 'alice@lab.test', password: '' }, { ...expected, digest: null })).toBe(
      false,
    )
    expect(checkLocalLogin({ user: 'alice@lab.test', password: '\0' }, { ...expected, digest: null })).toBe(
      false,
    )
    expect(localPasswordSecretName('t-1')).toBe('tunnel-password:t-1')
  })
})

describe('refusals explained', () => {
  it.each([
    ['535 5.7.3 Authentication unsuccessful [SN4PR0501CA0054]', 'ms-auth-unsuccessful'],
    ['550 5.7.30 Basic authentication is not supported for Client Submission', 'basic-auth-disabled'],
    ['535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled', 'smtp-auth-disabled'],
    ['{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}', 'xoauth2-bad-request'],
    ['{"status":"401","schemes":"bearer"}', 'xoauth2-invalid-token'],
    ['AADSTS50076: Due to a configuration change made by your administrator', 'aadsts-50076'],
    ['AADSTS50079', 'aadsts-50079'],
    ['AADSTS53003: Access has been blocked by Conditional Access policies', 'aadsts-53003'],
    ['AADSTS65001: The user or administrator has not consented', 'aadsts-65001'],
    ['AADSTS70000: The request was denied because one or more scopes', 'aadsts-70000'],
    ['AADSTS70008: The provided authorization code or refresh token has expired', 'aadsts-70008'],
    ['AADSTS700016: Application with identifier was not found', 'aadsts-700016'],
    ['AADSTS7000218: The request body must contain client_assertion or client_secret', 'aadsts-7000218'],
    ['AADSTS500011: The resource principal named https://outlook.office365.com', 'aadsts-500011'],
    ['invalid_grant: Token has been expired or revoked.', 'google-invalid-grant'],
    ['something else entirely', 'unknown'],
  ])('%s → %s', (said, id) => {
    const refusal = explainOAuthRefusal(said)
    expect(refusal.id).toBe(id)
    // What goes on a protocol line is ASCII.
    expect(`${refusal.title}. ${refusal.fix}`).toMatch(/^[\x20-\x7e]+$/)
  })
})
