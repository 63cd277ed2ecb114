// Opens the provider's sign-in page. In the browser tab a tab is opened inside the click (a popup
// blocker stops one opened later, when the engine's URL arrives) and pointed at the URL then; in
// the desktop app window.open goes to the system browser (electron/external-links.ts, https only)
// and this first blank tab is refused, so the URL is opened when it comes.
import type { PageOpener } from '../../stores/oauth.js'

export function providerPageOpener(): PageOpener {
  let pending: Window | null = null
  let navigated = false
  try {
    pending = window.open('', '_blank')
  } catch {
    pending = null
  }
  // The provider's page must not reach back into Mailwarden's tab (reverse tabnabbing).
  if (pending) pending.opener = null
  return {
    open(url) {
      navigated = true
      if (pending && !pending.closed) pending.location.href = url
      else window.open(url, '_blank', 'noopener,noreferrer')
    },
    abandon() {
      if (pending && !navigated && !pending.closed) pending.close()
    },
  }
}
