// What the first line a server sends says about it: which mail protocol greets, or that it is
// TLS or garbage. Exact prefixes, as each RFC defines its greeting.
import type { MailProtocol } from '../../../shared/contract/mail.js'

export type FirstLine = { kind: 'protocol'; protocol: MailProtocol } | { kind: 'tls' } | { kind: 'garbage' }

/** A TLS record starts with its content type (0x14-0x17) and major version 3. */
export function looksLikeTls(bytes: string | Buffer): boolean {
  const first = typeof bytes === 'string' ? bytes.charCodeAt(0) : bytes[0]
  const second = typeof bytes === 'string' ? bytes.charCodeAt(1) : bytes[1]
  return first !== undefined && first >= 0x14 && first <= 0x17 && second === 0x03
}

export function identifyGreeting(line: string): FirstLine {
  if (looksLikeTls(line)) return { kind: 'tls' }
  // RFC 9051 7.1: "* OK", "* PREAUTH", "* BYE".
  if (/^\* (?:OK|PREAUTH|BYE)\b/i.test(line)) return { kind: 'protocol', protocol: 'imap' }
  // RFC 1939 4: "+OK" (or a refusal, "-ERR").
  if (/^(?:\+OK|-ERR)\b/i.test(line)) return { kind: 'protocol', protocol: 'pop3' }
  // RFC 5321 4.2: 220 (ready), 421 (busy) or 554 (refused), single or multi-line.
  if (/^(?:220|421|554)(?:[ -]|$)/.test(line)) return { kind: 'protocol', protocol: 'smtp' }
  return { kind: 'garbage' }
}

/** For a report: printable ASCII as is, anything else as \xNN, bounded. */
export function printable(text: string | Buffer, max = 120): string {
  const raw = typeof text === 'string' ? text : text.toString('latin1')
  let out = ''
  for (const char of raw.slice(0, max)) {
    const code = char.charCodeAt(0)
    out += code >= 0x20 && code < 0x7f ? char : `\\x${code.toString(16).padStart(2, '0')}`
  }
  return raw.length > max ? `${out}…` : out
}
