// Reads the mail server settings out of a Thunderbird profile's prefs.js, so a user's real
// settings can be audited against the probe. Pure: it takes the file's text. prefs.js holds no
// passwords (those are in logins.json, which is never read).
//
// Thunderbird's connection security (nsMsgSocketType): 0 plain, 1 "STARTTLS, if available" (old
// versions; downgradable by anyone on the path), 2 STARTTLS, 3 SSL/TLS. Incoming servers keep it in
// mail.server.<key>.socketType, outgoing ones in mail.smtpserver.<key>.try_ssl.
import type { ClientServerSetting } from '../contract/probe-target.js'

/** A large profile's prefs.js is a few hundred KB; beyond this it is not one. */
export const PREFS_MAX_BYTES = 8 * 1024 * 1024
/** Preferences read at most; a file of millions of lines must not become millions of entries. */
export const PREFS_MAX_ENTRIES = 100_000
/** Servers reported at most (accounts in one profile). */
export const PREFS_MAX_SERVERS = 200

export type PrefValue = string | number | boolean

export type ThunderbirdSecurity =
  | 'plaintext'
  | 'starttls-if-available'
  | 'starttls'
  | 'implicit-tls'
  | 'unknown'

/** Thunderbird's own words for each socketType, as its Connection security list shows them. */
export const THUNDERBIRD_SOCKET_TYPES: Readonly<
  Record<number, { security: ThunderbirdSecurity; label: string }>
> = {
  0: { security: 'plaintext', label: 'None' },
  1: { security: 'starttls-if-available', label: 'STARTTLS, if available' },
  2: { security: 'starttls', label: 'STARTTLS' },
  3: { security: 'implicit-tls', label: 'SSL/TLS' },
}

export interface ThunderbirdServer {
  /** The pref key, e.g. "server1" or "smtp2". */
  key: string
  protocol: 'imap' | 'pop3' | 'smtp'
  host: string
  port: number
  /** No port in prefs.js: Thunderbird's default for that protocol and socket type is shown. */
  portDefaulted: boolean
  socketType: number | null
  security: ThunderbirdSecurity
  /** What Thunderbird shows for it under Connection security. */
  label: string
  username: string | null
  /** Addresses of the identities that use this server. */
  emails: string[]
}

export interface ThunderbirdImport {
  servers: ThunderbirdServer[]
  /** Lines that could not be read, and servers skipped, in words. */
  warnings: string[]
}

export class PrefsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PrefsError'
  }
}

/** Reads every user_pref/pref/sticky_pref call; malformed lines become warnings, never a crash. */
export function parsePrefs(text: string): { prefs: Map<string, PrefValue>; warnings: string[] } {
  if (text.length > PREFS_MAX_BYTES) throw new PrefsError(`prefs.js is larger than ${PREFS_MAX_BYTES} bytes`)
  const prefs = new Map<string, PrefValue>()
  const warnings: string[] = []
  let pos = 0
  let line = 1
  let entryLine = 1 // where the pref being read starts, for warnings
  const n = text.length
  const warn = (message: string) => {
    if (warnings.length < 50) warnings.push(`line ${entryLine}: ${message}`)
  }
  const skipBlank = () => {
    while (pos < n) {
      const c = text[pos]
      if (c === '\n') {
        line += 1
        pos += 1
      } else if (c === ' ' || c === '\t' || c === '\r') pos += 1
      else if (text.startsWith('//', pos) || c === '#') {
        while (pos < n && text[pos] !== '\n') pos += 1
      } else if (text.startsWith('/*', pos)) {
        const end = text.indexOf('*/', pos + 2)
        const stop = end < 0 ? n : end + 2
        for (let i = pos; i < stop; i++) if (text[i] === '\n') line += 1
        pos = stop
      } else return
    }
  }
  const readString = (): string | null => {
    const quote = text[pos]
    if (quote !== '"' && quote !== "'") return null
    pos += 1
    let out = ''
    while (pos < n) {
      const c = text[pos] as string
      if (c === quote) {
        pos += 1
        return out
      }
      if (c === '\n') return null
      if (c === '\\') {
        const e = text[pos + 1]
        pos += 2
        if (e === 'n') out += '\n'
        else if (e === 't') out += '\t'
        else if (e === 'r') out += '\r'
        else if (e === 'u' || e === 'x') {
          const len = e === 'u' ? 4 : 2
          const hex = text.slice(pos, pos + len)
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) return null
          out += String.fromCharCode(Number.parseInt(hex, 16))
          pos += len
        } else if (e !== undefined) out += e
        continue
      }
      out += c
      pos += 1
    }
    return null
  }
  const skipToLineEnd = () => {
    while (pos < n && text[pos] !== '\n') pos += 1
  }
  while (pos < n) {
    skipBlank()
    if (pos >= n) break
    entryLine = line
    const call = /^(user_pref|pref|sticky_pref|lockPref)\s*\(/.exec(text.slice(pos, pos + 20))
    if (!call) {
      warn('not a pref(...) call; skipped')
      skipToLineEnd()
      continue
    }
    pos += call[0].length
    skipBlank()
    const name = readString()
    skipBlank()
    if (name === null || text[pos] !== ',') {
      warn('a pref without a quoted name; skipped')
      skipToLineEnd()
      continue
    }
    pos += 1
    skipBlank()
    let value: PrefValue | null = null
    const literal = /^(true|false|-?\d{1,15})/.exec(text.slice(pos, pos + 16))
    if (text[pos] === '"' || text[pos] === "'") value = readString()
    else if (literal) {
      const word = literal[1] as string
      value = word === 'true' ? true : word === 'false' ? false : Number(word)
      pos += word.length
    }
    skipBlank()
    if (value === null || text[pos] !== ')') {
      warn(`the value of ${name} could not be read; skipped`)
      skipToLineEnd()
      continue
    }
    pos += 1
    skipBlank()
    if (text[pos] === ';') pos += 1
    if (prefs.size >= PREFS_MAX_ENTRIES && !prefs.has(name)) {
      warn(`more than ${PREFS_MAX_ENTRIES} prefs; the rest are ignored`)
      break
    }
    prefs.set(name, value)
  }
  return { prefs, warnings }
}

function str(prefs: Map<string, PrefValue>, name: string): string | null {
  const v = prefs.get(name)
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null
}

function int(prefs: Map<string, PrefValue>, name: string): number | null {
  const v = prefs.get(name)
  if (typeof v === 'number' && Number.isInteger(v)) return v
  if (typeof v === 'string' && /^\d{1,5}$/.test(v.trim())) return Number(v.trim())
  return null
}

function keysOf(prefs: Map<string, PrefValue>, prefix: string, field: string): string[] {
  const keys = new Set<string>()
  for (const name of prefs.keys()) {
    if (!name.startsWith(prefix) || !name.endsWith(`.${field}`)) continue
    const key = name.slice(prefix.length, name.length - field.length - 1)
    if (key !== '' && !key.includes('.')) keys.add(key)
  }
  return [...keys].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
}

function securityOf(socketType: number | null): { security: ThunderbirdSecurity; label: string } {
  if (socketType === null) return { security: 'plaintext', label: 'None' } // Thunderbird's default is 0
  return (
    THUNDERBIRD_SOCKET_TYPES[socketType] ?? {
      security: 'unknown',
      label: `unknown (socketType ${socketType})`,
    }
  )
}

const DEFAULT_PORTS: Readonly<Record<'imap' | 'pop3' | 'smtp', { tls: number; plain: number }>> = {
  imap: { tls: 993, plain: 143 },
  pop3: { tls: 995, plain: 110 },
  // Thunderbird's SMTP port 0 means "default": 465 for SSL/TLS, 25 otherwise.
  smtp: { tls: 465, plain: 25 },
}

/** The IMAP, POP3 and SMTP servers of a Thunderbird profile, with the addresses that use them. */
export function importThunderbirdPrefs(text: string): ThunderbirdImport {
  const { prefs, warnings } = parsePrefs(text)
  const servers: ThunderbirdServer[] = []

  // account → server and identities; identity → address and SMTP server.
  const emailsByServer = new Map<string, Set<string>>()
  const emailsBySmtp = new Map<string, Set<string>>()
  const defaultSmtp = str(prefs, 'mail.smtp.defaultserver')
  const add = (map: Map<string, Set<string>>, key: string, email: string) => {
    const set = map.get(key) ?? new Set<string>()
    set.add(email)
    map.set(key, set)
  }
  for (const account of keysOf(prefs, 'mail.account.', 'server')) {
    const server = str(prefs, `mail.account.${account}.server`)
    const identities = (str(prefs, `mail.account.${account}.identities`) ?? '')
      .split(',')
      .map((s) => s.trim())
    for (const id of identities.filter(Boolean)) {
      const email = str(prefs, `mail.identity.${id}.useremail`)
      if (!email) continue
      if (server) add(emailsByServer, server, email)
      const smtp = str(prefs, `mail.identity.${id}.smtpServer`) ?? defaultSmtp
      if (smtp) add(emailsBySmtp, smtp, email)
    }
  }

  for (const key of keysOf(prefs, 'mail.server.', 'hostname')) {
    const type = str(prefs, `mail.server.${key}.type`)
    if (type !== 'imap' && type !== 'pop3') continue // local folders ("none"), news, feeds
    const host = str(prefs, `mail.server.${key}.realhostname`) ?? str(prefs, `mail.server.${key}.hostname`)
    if (!host) continue
    const socketType = int(prefs, `mail.server.${key}.socketType`)
    const { security, label } = securityOf(socketType)
    const configured = int(prefs, `mail.server.${key}.port`)
    const port =
      configured && configured > 0 ? configured : DEFAULT_PORTS[type][socketType === 3 ? 'tls' : 'plain']
    servers.push({
      key,
      protocol: type,
      host,
      port,
      portDefaulted: !(configured && configured > 0),
      socketType,
      security,
      label,
      username: str(prefs, `mail.server.${key}.realuserName`) ?? str(prefs, `mail.server.${key}.userName`),
      emails: [...(emailsByServer.get(key) ?? [])],
    })
  }

  for (const key of keysOf(prefs, 'mail.smtpserver.', 'hostname')) {
    const host = str(prefs, `mail.smtpserver.${key}.hostname`)
    if (!host) continue
    const socketType = int(prefs, `mail.smtpserver.${key}.try_ssl`)
    const { security, label } = securityOf(socketType)
    const configured = int(prefs, `mail.smtpserver.${key}.port`)
    const port =
      configured && configured > 0 ? configured : DEFAULT_PORTS.smtp[socketType === 3 ? 'tls' : 'plain']
    servers.push({
      key,
      protocol: 'smtp',
      host,
      port,
      portDefaulted: !(configured && configured > 0),
      socketType,
      security,
      label,
      username: str(prefs, `mail.smtpserver.${key}.username`),
      emails: [...(emailsBySmtp.get(key) ?? [])],
    })
  }

  if (servers.length > PREFS_MAX_SERVERS) {
    warnings.push(`${servers.length} servers; the first ${PREFS_MAX_SERVERS} are kept`)
    servers.length = PREFS_MAX_SERVERS
  }
  return { servers, warnings }
}

/** The imported servers as the probe takes explicit settings (in Thunderbird's words). */
export function thunderbirdServersToSettings(imported: ThunderbirdImport): ClientServerSetting[] {
  return imported.servers
    .filter((s) => s.security !== 'unknown')
    .map((s) => ({
      protocol: s.protocol,
      host: s.host,
      port: s.port,
      security: s.label,
      client: 'thunderbird' as const,
    }))
}
