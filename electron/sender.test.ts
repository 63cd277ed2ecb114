import { describe, expect, it } from 'vitest'
import { APP_ENTRY_URL, APP_ORIGIN } from './app-url.js'
import { isTrustedSender } from './sender.js'

describe('isTrustedSender', () => {
  it.each([
    'app://mailwarden/index.html',
    'app://mailwarden/',
    'app://mailwarden/assets/index-abc123.js?x=1#settings',
  ])('accepts the app page %s', (url) => {
    expect(isTrustedSender({ url })).toBe(true)
  })

  it('agrees with the URL the window loads', () => {
    expect(APP_ORIGIN).toBe('app://mailwarden')
    expect(isTrustedSender({ url: APP_ENTRY_URL })).toBe(true)
  })

  it.each([
    'file:///work/main/dist/renderer/index.html',
    'http://127.0.0.1:5173/',
    'http://localhost:5173/index.html',
    'app://evil/index.html',
    'https://mailwarden/index.html',
    'http://mailwarden/index.html',
    'app://mailwarden.evil.com/',
    'app://evil.com/mailwarden/',
    'app://mailwarden:8080/index.html',
    'app://user:pass@mailwarden/index.html',
    'app://user@mailwarden/',
    'mailwarden://app/index.html',
    'about:blank',
    'data:text/html,<script>alert(1)</script>',
    'javascript:alert(1)',
    'devtools://devtools/bundled/inspector.html',
    'chrome-extension://mailwarden/',
    '',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isTrustedSender({ url })).toBe(false)
  })

  it.each([null, undefined])('refuses a missing frame (%s)', (frame) => {
    expect(isTrustedSender(frame)).toBe(false)
  })

  it('refuses a disposed frame whose url throws', () => {
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed')
      },
    }
    expect(isTrustedSender(disposed)).toBe(false)
  })

  it('refuses a frame whose url is not a string', () => {
    expect(isTrustedSender({ url: 42 } as unknown as { url: string })).toBe(false)
  })
})
