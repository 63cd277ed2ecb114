// Maps an app:// request to a file of the built renderer, or refuses it. Pure path logic, kept
// apart from the protocol handler so that traversal attempts can be tested without Electron.
import path from 'node:path'
import { APP_HOST, APP_SCHEME } from './app-url.js'

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.eml': 'message/rfc822',
}

/** Unknown types are served as bytes, never sniffed into something executable. */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * The absolute file under root that url names, or null when url is not app://mailwarden/... or
 * would leave root (../, encoded slashes or backslashes, NUL bytes, absolute paths).
 */
export function resolveRendererFile(root: string, url: string, pathApi: typeof path = path): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null

  let relative: string
  try {
    relative = decodeURIComponent(parsed.pathname)
  } catch {
    return null // malformed percent-encoding
  }
  if (relative.includes('\0')) return null
  if (relative === '' || relative.endsWith('/')) relative += 'index.html'

  const base = pathApi.resolve(root)
  const resolved = pathApi.resolve(base, `.${pathApi.sep}${relative.replace(/^\/+/, '')}`)
  return isStrictlyInside(base, resolved, pathApi) ? resolved : null
}

/** True when target is below base (not base itself): the test both traversal checks share. */
export function isStrictlyInside(base: string, target: string, pathApi: typeof path = path): boolean {
  const inside = pathApi.relative(base, target)
  return !(
    inside === '' ||
    inside === '..' ||
    inside.startsWith(`..${pathApi.sep}`) ||
    pathApi.isAbsolute(inside)
  )
}
