// Turns what the user typed into what to look at: an email address or a domain (discover its
// servers), a host (all seven standard ports), host:port or [IPv6]:port, a URL such as
// imaps://host, or the settings a client shows. Every refusal is one sentence saying what to type.
import { isIP } from 'node:net'
import { domainToASCII } from 'node:url'
import { parse as parseDomain } from 'tldts'
import type { MailProtocol } from '../../../shared/contract/mail.js'
import type {
  ClientSecurityMeaning,
  ClientServerSetting,
  ExpectedSecurity,
  ProbeTargetRequest,
} from '../../../shared/contract/probe-target.js'
import { interpretSecurityLabel, SecurityLabelError } from './security-label.js'

/** The seven standard ports, in the order the issue lists them. */
export const STANDARD_PORTS = [143, 993, 110, 995, 25, 465, 587] as const

export interface PortRole {
  protocol: MailProtocol
  expected: ExpectedSecurity
}

/** What a standard port is for (RFC 8314 3.3 for 993/995/465; RFC 6409 for 587). */
export const PORT_ROLES: Readonly<Record<number, PortRole>> = {
  143: { protocol: 'imap', expected: 'starttls' },
  993: { protocol: 'imap', expected: 'implicit-tls' },
  110: { protocol: 'pop3', expected: 'starttls' },
  995: { protocol: 'pop3', expected: 'implicit-tls' },
  25: { protocol: 'smtp', expected: 'starttls' },
  465: { protocol: 'smtp', expected: 'implicit-tls' },
  587: { protocol: 'smtp', expected: 'starttls' },
}

/** URL schemes a user may paste (Mutt's imaps://, a client's smtp://), with their default port. */
const SCHEMES: Readonly<
  Record<string, { protocol: MailProtocol; port: number; expected: ExpectedSecurity }>
> = {
  imap: { protocol: 'imap', port: 143, expected: 'starttls' },
  imaps: { protocol: 'imap', port: 993, expected: 'implicit-tls' },
  pop: { protocol: 'pop3', port: 110, expected: 'starttls' },
  pop3: { protocol: 'pop3', port: 110, expected: 'starttls' },
  pops: { protocol: 'pop3', port: 995, expected: 'implicit-tls' },
  pop3s: { protocol: 'pop3', port: 995, expected: 'implicit-tls' },
  smtp: { protocol: 'smtp', port: 587, expected: 'starttls' },
  submission: { protocol: 'smtp', port: 587, expected: 'starttls' },
  smtps: { protocol: 'smtp', port: 465, expected: 'implicit-tls' },
  submissions: { protocol: 'smtp', port: 465, expected: 'implicit-tls' },
}

export type ParsedTarget =
  | { kind: 'address'; input: string; address: string; localPart: string; domain: string }
  | { kind: 'domain'; input: string; domain: string }
  | { kind: 'host'; input: string; host: string; ports: number[] }
  | {
      kind: 'endpoint'
      input: string
      host: string
      port: number
      protocol: MailProtocol
      expected: ExpectedSecurity
    }
  | {
      kind: 'settings'
      input: string
      host: string
      port: number
      protocol: MailProtocol
      expected: ExpectedSecurity
      meaning: ClientSecurityMeaning
    }

/** Bad input, with a sentence for the user (the engine turns it into an invalid-request error). */
export class TargetError extends Error {
  readonly input: string
  constructor(input: string, message: string) {
    super(message)
    this.name = 'TargetError'
    this.input = input
  }
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/

/** A DNS name in ASCII (IDNs converted), lower case, without the trailing dot; null if not a name. */
export function normalizeHostName(text: string): string | null {
  const trimmed = text.trim().replace(/\.$/, '')
  if (trimmed === '' || trimmed.length > 253) return null
  const ascii = domainToASCII(trimmed.toLowerCase())
  if (ascii === '' || ascii.length > 253) return null
  return ascii.split('.').every((label) => LABEL.test(label)) ? ascii : null
}

function hostOrIp(text: string, input: string): string {
  const unbracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  if (isIP(unbracketed)) return unbracketed
  const name = normalizeHostName(text)
  if (!name) throw new TargetError(input, `"${text}" is not a valid host name or IP address.`)
  return name
}

function port(text: string, input: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535)
    throw new TargetError(input, `"${text}" is not a port; a port is a number from 1 to 65535.`)
  return Number(text)
}

function endpointFor(input: string, host: string, p: number): ParsedTarget {
  const role = PORT_ROLES[p]
  if (!role)
    throw new TargetError(
      input,
      `Port ${p} is not a standard mail port, so the protocol is unknown; say which, e.g. imaps://${host.includes(':') ? `[${host}]` : host}:${p} (or imap://, pop3://, pop3s://, smtp://, smtps://).`,
    )
  return { kind: 'endpoint', input, host, port: p, protocol: role.protocol, expected: role.expected }
}

function fromUrl(input: string, scheme: string, rest: string): ParsedTarget {
  const known = SCHEMES[scheme]
  if (!known)
    throw new TargetError(
      input,
      `"${scheme}://" is not a mail URL; use imap://, imaps://, pop3://, pop3s://, smtp:// or smtps://.`,
    )
  // Drop a user part (imaps://alice@host) and any path (imaps://host/INBOX).
  const authority = (rest.split('/')[0] ?? '').replace(/^.*@/, '')
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(authority)
  const plain = /^([^:[\]]+)(?::(\d+))?$/.exec(authority)
  const match = bracketed ?? plain
  if (!match) throw new TargetError(input, `"${input}" is not a valid URL host[:port].`)
  const host = hostOrIp(match[1] ?? '', input)
  const p = match[2] !== undefined ? port(match[2], input) : known.port
  const expected = p === known.port ? known.expected : (PORT_ROLES[p]?.expected ?? 'unknown')
  return { kind: 'endpoint', input, host, port: p, protocol: known.protocol, expected }
}

/**
 * Parses one free-text target. A bare name is a domain when it is a registrable domain (example.org,
 * example.co.uk) and a host otherwise (imap.example.org), which is how people type them.
 */
export function parseTarget(raw: string, ports: readonly number[] = []): ParsedTarget {
  const input = raw.trim()
  if (input === '') throw new TargetError(raw, 'Type an email address, a domain, a host or host:port.')
  if (/[\s\p{Cc}]/u.test(input))
    throw new TargetError(raw, `"${input}" contains a space or a control character.`)

  const url = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(input)
  if (url) return fromUrl(input, (url[1] ?? '').toLowerCase(), url[2] ?? '')

  const at = input.lastIndexOf('@')
  if (at >= 0) {
    const localPart = input.slice(0, at)
    const domainText = input.slice(at + 1)
    if (localPart === '' || localPart.length > 64)
      throw new TargetError(
        input,
        `"${input}" is not an email address: the part before @ must be 1 to 64 characters.`,
      )
    const domain = normalizeHostName(domainText)
    if (!domain || isIP(domainText))
      throw new TargetError(input, `"${input}" is not an email address: "${domainText}" is not a domain.`)
    return { kind: 'address', input, address: `${localPart}@${domain}`, localPart, domain }
  }

  // [IPv6]:port or [IPv6]
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(input)
  if (v6) {
    const host = v6[1] ?? ''
    if (isIP(host) !== 6) throw new TargetError(input, `"${host}" is not an IPv6 address.`)
    if (v6[2] === undefined) return hostTarget(input, host, ports)
    return endpointFor(input, host, port(v6[2], input))
  }
  // A bare IPv6 address has colons but no port.
  if (isIP(input) === 6) return hostTarget(input, input, ports)
  const colon = input.lastIndexOf(':')
  if (colon >= 0) {
    const hostText = input.slice(0, colon)
    if (hostText.includes(':'))
      throw new TargetError(
        input,
        `"${input}": write an IPv6 address with a port in brackets, e.g. [::1]:993.`,
      )
    return endpointFor(input, hostOrIp(hostText, input), port(input.slice(colon + 1), input))
  }
  if (isIP(input)) return hostTarget(input, input, ports)
  const name = normalizeHostName(input)
  if (!name) throw new TargetError(input, `"${input}" is not an email address, a domain or a host name.`)
  const parsed = parseDomain(name)
  if (!ports.length && parsed.domain === name) return { kind: 'domain', input, domain: name }
  return hostTarget(input, name, ports)
}

function hostTarget(input: string, host: string, ports: readonly number[]): ParsedTarget {
  for (const p of ports)
    if (!PORT_ROLES[p])
      throw new TargetError(
        input,
        `Port ${p} is not a standard mail port, so the protocol is unknown; give it as a URL, e.g. imaps://${host.includes(':') ? `[${host}]` : host}:${p}.`,
      )
  return { kind: 'host', input, host, ports: [...(ports.length ? ports : STANDARD_PORTS)] }
}

/** The settings a client shows, checked and understood. */
export function parseClientSetting(setting: ClientServerSetting): ParsedTarget {
  const input = `${setting.protocol} ${setting.host}:${setting.port} ${setting.security}`
  const host = hostOrIp(setting.host, input)
  let meaning: ClientSecurityMeaning
  try {
    meaning = interpretSecurityLabel(setting.security, setting.client ?? null)
  } catch (error) {
    if (error instanceof SecurityLabelError) throw new TargetError(input, error.message)
    throw error
  }
  const role = PORT_ROLES[setting.port]
  const expected: ExpectedSecurity =
    meaning.mode === 'implicit-tls' || meaning.mode === 'starttls'
      ? meaning.mode
      : meaning.mode === 'by-port' && role
        ? role.expected
        : 'unknown'
  return { kind: 'settings', input, host, port: setting.port, protocol: setting.protocol, expected, meaning }
}

/** Every target of a request, parsed; the first bad one throws with its sentence. */
export function parseTargets(request: ProbeTargetRequest): ParsedTarget[] {
  return [
    ...request.targets.map((text) => parseTarget(text, request.ports)),
    ...request.servers.map(parseClientSetting),
  ]
}
