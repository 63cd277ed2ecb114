// What a request to the loopback redirect listener is (RFC 8252 §7.3): the provider's redirect with
// a code, its redirect with an error, a redirect whose state is not ours (refused: a page on the
// machine or a hostile site trying to slip in its own code, RFC 6749 §10.12), or something else
// (favicon). Pure, so it is unit-tested; the state comparison takes constant time.
import { createHash, timingSafeEqual } from 'node:crypto'

export type RedirectVerdict =
  | { kind: 'code' }
  | { kind: 'error'; code: string; description: string | null }
  | { kind: 'wrong-state' }
  | { kind: 'other' }

/** The path registered with providers (the lab's clients: http://127.0.0.1/callback, any port). */
export const REDIRECT_PATH = '/callback'

function sameState(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

export function checkRedirect(url: URL, expectedState: string): RedirectVerdict {
  if (url.pathname !== REDIRECT_PATH) return { kind: 'other' }
  const params = url.searchParams
  const state = params.get('state')
  const code = params.get('code')
  const error = params.get('error')
  if (code === null && error === null) return { kind: 'other' }
  if (state === null || !sameState(state, expectedState)) return { kind: 'wrong-state' }
  if (error !== null)
    return {
      kind: 'error',
      code: error.slice(0, 100),
      description: params.get('error_description')?.slice(0, 300) ?? null,
    }
  return { kind: 'code' }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The small page the browser shows after the redirect. */
export function redirectPage(title: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mailwarden</title><style>body{font:16px system-ui,sans-serif;margin:4em auto;max-width:32em;color:#222}</style></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`
}
