import { describe, expect, it } from 'vitest'
import { allowsNavigation, isAllowedExternalUrl, windowOpenDecision } from './external-links.js'

describe('openExternal allowlist', () => {
  it.each(['https://www.rfc-editor.org/rfc/rfc8314', 'mailto:postmaster@example.org'])('allows %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(true)
    expect(windowOpenDecision(url)).toEqual({ openExternally: true })
  })

  it.each([
    'http://example.org/',
    'file:///etc/passwd',
    'smb://host/share',
    'ms-msdt:/id PCWDiagnostic',
    'javascript:alert(1)',
    'app://mailwarden/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false)
    expect(windowOpenDecision(url)).toEqual({ openExternally: false })
  })
})

describe('navigation guard', () => {
  it('allows only the app origin', () => {
    expect(allowsNavigation('app://mailwarden/index.html#dkim')).toBe(true)
    expect(allowsNavigation('app://mailwarden.evil/index.html')).toBe(false)
    expect(allowsNavigation('https://example.org/')).toBe(false)
    expect(allowsNavigation('file:///tmp/x.html')).toBe(false)
  })
})
