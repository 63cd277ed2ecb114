// How an OAuth account's sign-in is said in the UI: its state with a mark (never colour alone),
// and times as the user reads them. Never a token: the state carries none.
import type { OAuthAccountState } from '../../../shared/contract/index.js'
import type { StatusWords } from './words.js'

export function accountStatusWords(state: OAuthAccountState): StatusWords {
  switch (state.state) {
    case 'signed-in':
      return { label: 'Signed in', mark: '●', tone: 'listening' }
    case 'needs-authorization':
      return { label: 'Needs sign-in', mark: '⚠', tone: 'warn' }
    case 'refresh-failed':
      return { label: 'Refresh failed', mark: '⚠', tone: 'warn' }
    default:
      return { label: 'Not signed in', mark: '○', tone: 'stopped' }
  }
}

/** "14:05" today, else "7 Dec 14:05": the token's expiry and next refresh are minutes away. */
export function clockTime(iso: string, now: Date = new Date()): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return iso
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  if (at.toDateString() === now.toDateString()) return time
  return `${at.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} ${time}`
}

/** A local password for the tunnel: 20 characters from an alphabet without look-alikes, so it can
 * be typed on a printer's panel too. crypto.getRandomValues, rejection sampling (no bias). */
export function generateLocalPassword(length = 20): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  const limit = 256 - (256 % alphabet.length)
  let out = ''
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2))
    for (const b of bytes) if (b < limit && out.length < length) out += alphabet[b % alphabet.length]
  }
  return out
}
