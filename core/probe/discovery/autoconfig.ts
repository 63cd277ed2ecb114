// Thunderbird's autoconfig format (clientConfig 1.1, as served at autoconfig.<domain>, at
// <domain>/.well-known/autoconfig/ and by the ISP database): the IMAP, POP3 and SMTP servers it
// lists, with the %EMAILADDRESS% family of placeholders filled in where the address is known.
import type { MailProtocol } from '../../../shared/contract/mail.js'
import type { ExpectedSecurity } from '../../../shared/contract/probe-target.js'
import { AUTOCONFIG_MAX_SERVERS } from './limits.js'
import { normalizeHostName } from './target.js'
import { childrenNamed, childText, parseXml, XmlError } from './xml.js'

export interface AutoconfigServer {
  protocol: MailProtocol
  host: string
  port: number
  /** socketType: SSL → implicit TLS, STARTTLS → STARTTLS, plain → no TLS (shown as unknown). */
  expected: ExpectedSecurity
  socketType: string
  username: string | null
  authentication: string[]
}

export interface AutoconfigResult {
  providerId: string | null
  domains: string[]
  servers: AutoconfigServer[]
  /** Entries skipped and why (an Exchange server, a hostname still holding a placeholder...). */
  skipped: string[]
}

export class AutoconfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AutoconfigError'
  }
}

export interface Identity {
  address: string | null
  localPart: string | null
  domain: string
}

/** Replaces Thunderbird's placeholders; unknown ones stay as they are (and make a hostname invalid). */
export function fillPlaceholders(text: string, who: Identity): string {
  return text
    .replaceAll('%EMAILADDRESS%', who.address ?? '%EMAILADDRESS%')
    .replaceAll('%EMAILLOCALPART%', who.localPart ?? '%EMAILLOCALPART%')
    .replaceAll('%EMAILDOMAIN%', who.domain)
}

const PROTOCOLS: Readonly<Record<string, MailProtocol>> = { imap: 'imap', pop3: 'pop3', smtp: 'smtp' }
const SOCKET_TYPES: Readonly<Record<string, ExpectedSecurity>> = {
  SSL: 'implicit-tls',
  STARTTLS: 'starttls',
  plain: 'unknown',
}

/** Parses an autoconfig document; throws AutoconfigError for anything that is not one. */
export function parseAutoconfig(source: string, who: Identity): AutoconfigResult {
  let root: ReturnType<typeof parseXml>
  try {
    root = parseXml(source)
  } catch (error) {
    if (error instanceof XmlError) throw new AutoconfigError(`not valid XML: ${error.message}`)
    throw error
  }
  if (root.name !== 'clientConfig')
    throw new AutoconfigError(`the root element is <${root.name}>, not <clientConfig>`)
  const provider = childrenNamed(root, 'emailProvider')[0]
  if (!provider) throw new AutoconfigError('there is no <emailProvider> element')
  const servers: AutoconfigServer[] = []
  const skipped: string[] = []
  const entries = [...childrenNamed(provider, 'incomingServer'), ...childrenNamed(provider, 'outgoingServer')]
  for (const entry of entries) {
    const type = entry.attributes.type ?? ''
    const protocol = PROTOCOLS[type]
    const hostText = childText(entry, 'hostname') ?? ''
    const label = `${entry.name} ${type || '(no type)'} ${hostText}`.trim()
    if (!protocol) {
      skipped.push(`${label}: type "${type}" is not IMAP, POP3 or SMTP`)
      continue
    }
    if ((entry.name === 'outgoingServer') !== (protocol === 'smtp')) {
      skipped.push(`${label}: ${protocol} cannot be an ${entry.name}`)
      continue
    }
    const host = normalizeHostName(fillPlaceholders(hostText, who))
    if (!host) {
      skipped.push(
        `${label}: "${hostText}" is not a host name${hostText.includes('%') ? ' (needs the email address)' : ''}`,
      )
      continue
    }
    const portText = childText(entry, 'port') ?? ''
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN
    if (!(port >= 1 && port <= 65535)) {
      skipped.push(`${label}: "${portText}" is not a port`)
      continue
    }
    const socketType = childText(entry, 'socketType') ?? ''
    const expected = SOCKET_TYPES[socketType]
    if (!expected) {
      skipped.push(`${label}: socketType "${socketType}" is not SSL, STARTTLS or plain`)
      continue
    }
    if (servers.length >= AUTOCONFIG_MAX_SERVERS) {
      skipped.push(`more than ${AUTOCONFIG_MAX_SERVERS} servers; the rest are ignored`)
      break
    }
    const username = childText(entry, 'username')
    servers.push({
      protocol,
      host,
      port,
      expected,
      socketType,
      username: username === null ? null : fillPlaceholders(username, who),
      authentication: childrenNamed(entry, 'authentication')
        .map((a) => a.text.trim())
        .filter(Boolean),
    })
  }
  return {
    providerId: provider.attributes.id ?? null,
    domains: childrenNamed(provider, 'domain').map((d) => d.text.trim().toLowerCase()),
    servers,
    skipped,
  }
}
