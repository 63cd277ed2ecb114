// Serves the built renderer and nothing else: GET/HEAD only, no directory listings, no path
// that resolves outside the directory, and the security headers on every answer.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  }
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string>,
): void {
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  })
  res.end(`${text}\n`)
}

export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  headers: Record<string, string>,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'Only GET and HEAD are served here.', { ...headers, Allow: 'GET, HEAD' })
    return
  }
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
  } catch {
    sendText(res, 400, 'That path is not valid.', headers)
    return
  }
  if (pathname.includes('\0')) {
    sendText(res, 400, 'That path is not valid.', headers)
    return
  }
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1)
  const file = path.resolve(root, relative)
  if (file !== root && !file.startsWith(root + path.sep)) {
    sendText(res, 404, 'Not found.', headers)
    return
  }
  const info = await stat(file).catch(() => null)
  if (!info?.isFile()) {
    sendText(res, 404, 'Not found.', headers)
    return
  }
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
  // Hashed asset names may be cached; index.html may not, so a rebuild is picked up at once.
  const cache = relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-store'
  res.writeHead(200, {
    ...headers,
    'Content-Type': type,
    'Content-Length': info.size,
    'Cache-Control': cache,
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  createReadStream(file).pipe(res)
}
