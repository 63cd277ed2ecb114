// The loopback redirect: which requests count, a foreign state refused (the pure check and the real
// listener on 127.0.0.1), and PKCE S256 as RFC 7636 Appendix B computes it.
import http from 'node:http'
import { calculatePKCECodeChallenge } from 'openid-client'
import { describe, expect, it } from 'vitest'
import { listenForRedirect } from './loopback.js'
import { checkRedirect, redirectPage } from './redirect-check.js'

const at = (query: string, path = '/callback') => new URL(`http://127.0.0.1:5000${path}?${query}`)

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
      })
      .on('error', reject)
  })
}

describe('checkRedirect', () => {
  it('accepts the code with our state', () => {
    expect(checkRedirect(at('code=abc&state=s1'), 's1')).toEqual({ kind: 'code' })
  })
  it('refuses another state, a missing state, and a state that only starts like ours', () => {
    expect(checkRedirect(at('code=abc&state=s2'), 's1')).toEqual({ kind: 'wrong-state' })
    expect(checkRedirect(at('code=abc'), 's1')).toEqual({ kind: 'wrong-state' })
    expect(checkRedirect(at('code=abc&state=s1x'), 's1')).toEqual({ kind: 'wrong-state' })
    expect(checkRedirect(at('error=access_denied&state=nope'), 's1')).toEqual({ kind: 'wrong-state' })
  })
  it("reports the provider's error with our state", () => {
    expect(checkRedirect(at('error=access_denied&error_description=no&state=s1'), 's1')).toEqual({
      kind: 'error',
      code: 'access_denied',
      description: 'no',
    })
  })
  it('ignores other paths and requests without code or error', () => {
    expect(checkRedirect(at('code=abc&state=s1', '/favicon.ico'), 's1')).toEqual({ kind: 'other' })
    expect(checkRedirect(at('state=s1'), 's1')).toEqual({ kind: 'other' })
  })
  it('escapes what it shows', () => {
    expect(redirectPage('<b>', 'a & "b"')).toContain('&#60;b&#62;')
  })
})

describe('PKCE', () => {
  it('computes S256 as RFC 7636 Appendix B', async () => {
    expect(await calculatePKCECodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    )
  })
})

describe('listenForRedirect (127.0.0.1, one-shot)', () => {
  it('refuses a foreign state, takes ours, then stops listening', async () => {
    const listener = await listenForRedirect({ expectedState: 'ours', timeoutMs: 5000 })
    expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)
    const wrong = await get(`${listener.redirectUri}?code=evil&state=theirs`)
    expect(wrong.status).toBe(400)
    expect(wrong.body).toContain('does not belong')
    const right = await get(`${listener.redirectUri}?code=good&state=ours`)
    expect(right.status).toBe(200)
    expect(right.body).toContain('You can close this tab')
    expect((await listener.result).searchParams.get('code')).toBe('good')
    await expect(get(`${listener.redirectUri}?code=late&state=ours`)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('gives up after its timeout with needs-authorization', async () => {
    const listener = await listenForRedirect({ expectedState: 'x', timeoutMs: 100 })
    await expect(listener.result).rejects.toMatchObject({ id: 'needs-authorization' })
  })

  it('turns the provider’s refusal into provider-refused', async () => {
    const listener = await listenForRedirect({ expectedState: 'x', timeoutMs: 5000 })
    await get(`${listener.redirectUri}?error=access_denied&state=x`)
    await expect(listener.result).rejects.toMatchObject({
      id: 'provider-refused',
      providerCode: 'access_denied',
    })
  })

  it('stops on cancel', async () => {
    const controller = new AbortController()
    const listener = await listenForRedirect({ expectedState: 'x', signal: controller.signal })
    controller.abort()
    await expect(listener.result).rejects.toMatchObject({ name: 'AbortError' })
  })
})
