// What a connection-security label means, in the words of the client that shows it. The same word
// means different things in different clients: "TLS" in the old Android mail apps and in classic
// Outlook's list is STARTTLS, while "SSL" means implicit TLS; Apple's "Use TLS/SSL" picks by port.
import type { ClientSecurityMeaning } from '../../../shared/contract/probe-target.js'
import type { MailClientId } from '../../../shared/contract/schemas.js'

export class SecurityLabelError extends Error {
  constructor(label: string) {
    super(
      `"${label}" is not a connection-security choice Mailwarden knows; use the label your client shows, ` +
        'such as "SSL/TLS", "STARTTLS", "TLS", "None", "Auto" or "STARTTLS, if available".',
    )
    this.name = 'SecurityLabelError'
  }
}

// Lower case, punctuation to spaces, so "SSL/TLS (Accept all certificates)" → "ssl tls accept all certificates".
function words(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

const ACCEPT_ALL = /\baccept all certificates?\b|\btrust all\b|\ballow invalid\b/
const IF_AVAILABLE =
  /\bif available\b|\bwhen available\b|\bif possible\b|\bopportunistic\b|\bauto(matic(ally)?)?\b/
const NONE = /^(none|no encryption|no|off|plain(text)?|unencrypted|do not use ssl tls|never|insecure)$/
const STARTTLS = /\bstart ?tls\b|\bstarttls after connecting\b|\bstls\b/
const IMPLICIT =
  /\bdedicated port\b|\bspecial port\b|\bimplicit\b|\bssl tls\b|\btls ssl on (the )?standard ssl port\b|^ssl\b|\brequires an encrypted connection\b|\bimaps\b|\bpop3s\b|\bsmtps\b/
// "Use TLS/SSL" (Apple Mail, iOS) and a bare "SSL/TLS" checkbox: the port decides.
const BY_PORT = /^use tls ssl$|^use ssl$|^use tls$|^tls ssl$/
const TLS_ALONE = /^tls\b/

/** Interprets `label`; throws SecurityLabelError when it is none of the known words. */
export function interpretSecurityLabel(
  label: string,
  client: MailClientId | null = null,
): ClientSecurityMeaning {
  const w = words(label)
  const acceptsAnyCertificate = ACCEPT_ALL.test(w)
  const core = w.replace(ACCEPT_ALL, '').trim()
  const meaning = (mode: ClientSecurityMeaning['mode'], downgradable: boolean): ClientSecurityMeaning => ({
    mode,
    downgradable,
    acceptsAnyCertificate,
    label,
    client,
  })
  if (core === '') throw new SecurityLabelError(label)
  if (NONE.test(core)) return meaning('plaintext', false)
  if (core === 'auto' || core === 'automatic' || core === 'automatically manage connection settings')
    return meaning('auto', true)
  // "STARTTLS, if available" (Thunderbird's old socketType 1), "Use SSL/TLS if available" (eM Client).
  if (IF_AVAILABLE.test(core)) return meaning('starttls', true)
  if (STARTTLS.test(core)) return meaning('starttls', false)
  if (client === 'apple-mail' && BY_PORT.test(core)) return meaning('by-port', false)
  if (IMPLICIT.test(core)) return meaning('implicit-tls', false)
  if (BY_PORT.test(core)) return meaning('by-port', false)
  // The old Android apps ("SSL", "TLS") and classic Outlook's list: "TLS" is STARTTLS there.
  if (TLS_ALONE.test(core)) return meaning('starttls', false)
  throw new SecurityLabelError(label)
}
