// Where the renderer lives inside the shell. It is served from a custom privileged scheme rather
// than file:// so that it has a real origin of its own: IPC senders, navigations and event
// recipients are all checked against this one origin. Pure: no Electron import, so tests run in Node.

export const APP_SCHEME = 'app'
export const APP_HOST = 'mailwarden'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/**
 * True when url is on the app's own origin. Node's URL gives non-special schemes an opaque
 * origin ("null"), so scheme, host, port and credentials are compared one by one.
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST && // host includes the port: app://mailwarden:1/ is another origin
    parsed.username === '' &&
    parsed.password === ''
  )
}
