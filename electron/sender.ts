// The check every IPC handler and event recipient goes through: only the app's own page may
// reach the engine. A frame that navigated elsewhere (or an injected iframe) keeps its preload
// bridge reference in older Electron versions, so the frame's URL is checked on each call.
import { isAppUrl } from './app-url.js'

export interface FrameLike {
  readonly url: string
}

export function isTrustedSender(frame: FrameLike | null | undefined, isTrustedUrl = isAppUrl): boolean {
  if (frame === null || frame === undefined) return false
  let url: unknown
  try {
    // Reading url of a frame that has been disposed throws in Electron.
    url = frame.url
  } catch {
    return false
  }
  return typeof url === 'string' && isTrustedUrl(url)
}
