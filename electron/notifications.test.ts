import { describe, expect, it } from 'vitest'
import {
  MAX_NOTIFICATION_BODY,
  tunnelFailed,
  tunnelNeedsSignIn,
  turnedToNeedsSignIn,
} from './notifications.js'

describe('notifications', () => {
  it('names the tunnel and the account that needs a new sign-in', () => {
    const text = tunnelNeedsSignIn('Work mail', 'alice@example.com')
    expect(text.title).toBe('Tunnel “Work mail” needs a new sign-in')
    expect(text.body).toContain('alice@example.com')
    expect(text.body).toContain('sign in again')
  })

  it('clips long texts', () => {
    const text = tunnelNeedsSignIn('x'.repeat(500), `${'a'.repeat(400)}@example.com`)
    expect(text.body.length).toBeLessThanOrEqual(MAX_NOTIFICATION_BODY)
    expect(text.title.length).toBeLessThan(MAX_NOTIFICATION_BODY + 40)
    expect(tunnelFailed('T', 'e'.repeat(1000)).body).toHaveLength(MAX_NOTIFICATION_BODY)
  })

  it('notifies once, when a tunnel turns to needing a sign-in', () => {
    expect(turnedToNeedsSignIn(undefined, { needsSignInFor: 'a@b.c' })).toBe(true)
    expect(turnedToNeedsSignIn({ needsSignInFor: null }, { needsSignInFor: 'a@b.c' })).toBe(true)
    expect(turnedToNeedsSignIn({ needsSignInFor: 'a@b.c' }, { needsSignInFor: 'a@b.c' })).toBe(false)
    expect(turnedToNeedsSignIn({ needsSignInFor: 'a@b.c' }, { needsSignInFor: null })).toBe(false)
    expect(turnedToNeedsSignIn(undefined, {})).toBe(false)
  })
})
