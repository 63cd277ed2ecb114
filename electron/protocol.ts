// The app:// scheme: the renderer's files, and nothing else, under an origin of their own.
import { readFile, realpath } from 'node:fs/promises'
import { protocol } from 'electron'
import { APP_SCHEME } from './app-url.js'
import { CONTENT_SECURITY_POLICY } from './csp.js'
import { contentTypeFor, isStrictlyInside, resolveRendererFile } from './renderer-files.js'

/** Must run before app 'ready': privileges cannot be granted later. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    // standard: real origin and relative URLs; secure: treated like https (no mixed-content
    // downgrade). No bypassCSP, no corsEnabled, no service workers: the page needs none of them.
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
}

function refuse(status: number): Response {
  return new Response(null, { status, headers: { 'content-type': 'text/plain' } })
}

/** Serves files under rendererRoot on app://mailwarden/. Call after 'ready'. */
export function handleAppProtocol(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405)
    const file = resolveRendererFile(rendererRoot, request.url)
    if (file === null) return refuse(404)
    try {
      // A symlink inside dist/renderer must not lead outside it either.
      const [real, root] = await Promise.all([realpath(file), realpath(rendererRoot)])
      if (!isStrictlyInside(root, real)) return refuse(404)
      const body = await readFile(real)
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: {
          'content-type': contentTypeFor(real),
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-cache',
        },
      })
    } catch {
      return refuse(404)
    }
  })
}
