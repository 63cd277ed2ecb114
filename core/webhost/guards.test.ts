import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, createToken, isAllowedHost, isAllowedOrigin, tokensEqual } from './guards.js'

describe('web host guards', () => {
  it('makes a fresh 32-byte token each time', () => {
    const a = createToken()
    expect(a).toMatch(/^[0-9a-f]{64}$/)
    expect(createToken()).not.toBe(a)
  })

  it('accepts only the exact token', () => {
    const token = createToken()
    expect(tokensEqual(token, token)).toBe(true)
    expect(tokensEqual(token, `${token}0`)).toBe(false)
    expect(tokensEqual(token, token.slice(0, -1))).toBe(false)
    expect(tokensEqual(token, token.toUpperCase())).toBe(false)
    expect(tokensEqual(token, '')).toBe(false)
    expect(tokensEqual(token, null)).toBe(false)
    expect(tokensEqual(token, undefined)).toBe(false)
  })

  it('accepts only 127.0.0.1:PORT and localhost:PORT as Host (DNS rebinding)', () => {
    expect(isAllowedHost('127.0.0.1:4000', 4000)).toBe(true)
    expect(isAllowedHost('localhost:4000', 4000)).toBe(true)
    expect(isAllowedHost('LOCALHOST:4000', 4000)).toBe(true)
    expect(isAllowedHost('127.0.0.1:4001', 4000)).toBe(false)
    expect(isAllowedHost('127.0.0.1', 4000)).toBe(false)
    expect(isAllowedHost('evil.example:4000', 4000)).toBe(false)
    expect(isAllowedHost('localhost.evil.example:4000', 4000)).toBe(false)
    expect(isAllowedHost('[::1]:4000', 4000)).toBe(false)
    expect(isAllowedHost(undefined, 4000)).toBe(false)
  })

  it('accepts only our own page as Origin', () => {
    expect(isAllowedOrigin('http://127.0.0.1:4000', 4000)).toBe(true)
    expect(isAllowedOrigin('http://localhost:4000', 4000)).toBe(true)
    expect(isAllowedOrigin('https://127.0.0.1:4000', 4000)).toBe(false)
    expect(isAllowedOrigin('http://127.0.0.1:4001', 4000)).toBe(false)
    expect(isAllowedOrigin('http://evil.example', 4000)).toBe(false)
    expect(isAllowedOrigin('null', 4000)).toBe(false)
    expect(isAllowedOrigin(undefined, 4000)).toBe(false)
  })

  it('allows scripts and sockets only from itself', () => {
    const csp = contentSecurityPolicy(4000)
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:4000 ws://localhost:4000")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe')
  })
})
