// Which URLs leave the app, and which navigations stay: the Electron checklist's "limit
// navigation", "limit new windows" and "do not use openExternal with untrusted content". Pure.
import { isAppUrl } from './app-url.js'

/** Only web pages over https and mail addresses go to the OS: never file:, smb:, http:, or a custom handler. */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url)
    return protocol === 'https:' || protocol === 'mailto:'
  } catch {
    return false
  }
}

/** A navigation, redirect or frame navigation is allowed only within the app's own origin. */
export function allowsNavigation(url: string): boolean {
  return isAppUrl(url)
}

/** window.open and target=_blank: the app never opens a window; allowed links go to the OS. */
export function windowOpenDecision(url: string): { openExternally: boolean } {
  return { openExternally: isAllowedExternalUrl(url) }
}
