// The receiving server's own verdict: dkim= entries of Authentication-Results (RFC 8601), and the
// time the message arrived (the topmost Received field), used to judge expiry by default.
import { stripComments } from './addresses.js'
import { MAX_SHOWN_NAME } from './limits.js'

export interface ReceivedDkim {
  server: string
  result: string
  domain: string | null
  selector: string | null
  signaturePrefix: string | null
}

const property = (name: string) => new RegExp(`(?:^|\\s)header\\.${name}\\s*=\\s*"?([^\\s";]+)"?`, 'i')
const PROPERTY = { d: property('d'), i: property('i'), s: property('s'), b: property('b') }

/** Parses one Authentication-Results value (unfolded, UTF-8); unparseable parts are skipped. */
export function parseAuthenticationResults(value: string): ReceivedDkim[] {
  const clean = stripComments(value).replace(/\s+/g, ' ').trim()
  const parts = clean.split(';').map((p) => p.trim())
  const server = (parts.shift() ?? '').split(' ')[0] ?? ''
  const out: ReceivedDkim[] = []
  for (const part of parts) {
    const method = /^dkim\s*=\s*([A-Za-z]+)/i.exec(part)
    if (!method) continue
    const prop = (name: keyof typeof PROPERTY) => PROPERTY[name].exec(part)?.[1] ?? null
    const identity = prop('i')
    out.push({
      server: server.slice(0, MAX_SHOWN_NAME),
      result: (method[1] ?? '').toLowerCase(),
      domain:
        (
          prop('d') ?? (identity?.includes('@') ? identity.slice(identity.lastIndexOf('@') + 1) : identity)
        )?.toLowerCase() ?? null,
      selector: prop('s')?.toLowerCase() ?? null,
      signaturePrefix: prop('b'),
    })
  }
  return out
}

/** The date after the last ";" of a Received field (RFC 5321 4.4), or null. */
export function receivedTime(value: string): Date | null {
  const semicolon = value.lastIndexOf(';')
  if (semicolon < 0) return null
  const text = stripComments(value.slice(semicolon + 1))
    .replace(/\s+/g, ' ')
    .trim()
  const time = Date.parse(text)
  if (Number.isNaN(time)) return null
  return new Date(time)
}
