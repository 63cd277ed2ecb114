// The web host's gatekeepers, pure so they can be tested one by one. Together they make the
// loopback socket answer only the tab we opened: a secret token (a local process or page cannot
// guess it), an exact Host (a DNS-rebound name like evil.example resolving to 127.0.0.1 is
// refused), and an exact Origin on the WebSocket upgrade (another site's page is refused).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** 32 random bytes, hex: fresh for every launch. */
export function createToken(): string {
  return randomBytes(32).toString('hex')
}

/** Constant-time comparison; hashing first makes the lengths equal without leaking them. */
export function tokensEqual(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 1024) return false
  const a = createHash('sha256').update(expected).digest()
  const b = createHash('sha256').update(given).digest()
  return timingSafeEqual(a, b)
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`]
}

export function isAllowedHost(host: string | undefined, port: number): boolean {
  return typeof host === 'string' && allowedHosts(port).includes(host.toLowerCase())
}

export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  return typeof origin === 'string' && allowedHosts(port).some((h) => origin.toLowerCase() === `http://${h}`)
}

export function contentSecurityPolicy(port: number): string {
  const ws = allowedHosts(port)
    .map((h) => `ws://${h}`)
    .join(' ')
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${ws}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}
