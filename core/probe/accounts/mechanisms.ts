// The login exchanges "test login" tries, one per mechanism, each on its own TLS session (a session
// that logged in cannot try another way). Credentials are sent only on a session this module is
// handed, which login.ts opens over verified (or pinned) TLS; the transcript shows "****" for them.
import type { MailProtocol } from '../../../shared/contract/mail.js'
import type { MechanismResult } from '../../../shared/contract/probe-accounts.js'
import type { Capabilities } from '../../net/dialogues/index.js'
import { readReply } from '../../net/dialogues/smtp.js'
import { NetError } from '../../net/errors.js'
import { MAX_RESPONSE_LINES } from '../../net/limits.js'
import type { Session } from '../../net/session.js'
import { MAX_REPLY_KEPT_CHARS } from '../limits.js'

export interface Credentials {
  username: string
  password: string
}

export interface Mechanism {
  /** As shown to the user: "AUTHENTICATE PLAIN", "LOGIN", "USER/PASS", "AUTH LOGIN". */
  name: string
  run(session: Session, credentials: Credentials): Promise<Omit<MechanismResult, 'mechanism'>>
}

const HIDDEN = '****'
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')
const plainResponse = (c: Credentials) => b64(`\u0000${c.username}\u0000${c.password}`)

/** IMAP quoted string (RFC 9051 4.3); null when the text needs a literal (CR, LF, NUL, 8-bit). */
export function imapQuoted(text: string): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: those are exactly what a quoted string cannot hold
  if (/[\u0000\r\n\u0080-\uffff]/.test(text)) return null
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`
}

/** Removes anything that looks like the credentials from a server reply before it is shown. */
export function scrub(reply: string, c: Credentials): string {
  let out = reply
  for (const secret of [c.password, b64(c.password), plainResponse(c)])
    if (secret.length >= 3) out = out.split(secret).join(HIDDEN)
  return out.slice(0, MAX_REPLY_KEPT_CHARS)
}

async function imapTagged(session: Session, tag: string): Promise<string> {
  for (let i = 0; i < MAX_RESPONSE_LINES; i++) {
    const line = await session.read()
    if (line.startsWith(`${tag} `)) return line
  }
  throw new NetError(
    'too-much-data',
    `${session.where} sent more than ${MAX_RESPONSE_LINES} lines for one command.`,
  )
}

function imapOutcome(line: string, tag: string): MechanismResult['outcome'] {
  const status = line
    .slice(tag.length + 1)
    .split(' ', 1)[0]
    ?.toUpperCase()
  return status === 'OK' ? 'accepted' : status === 'NO' ? 'rejected' : 'error'
}

/** IMAP AUTHENTICATE with one client response per server challenge ("+ ..."). */
function imapSasl(mechanism: 'PLAIN' | 'LOGIN', responses: (c: Credentials) => string[]): Mechanism {
  return {
    name: `AUTHENTICATE ${mechanism}`,
    async run(session, c) {
      const tag = session.nextTag()
      session.write(`${tag} AUTHENTICATE ${mechanism}`)
      for (const response of responses(c)) {
        const line = await session.read()
        if (line.startsWith(`${tag} `)) return { outcome: imapOutcome(line, tag), reply: scrub(line, c) }
        if (!line.startsWith('+')) return { outcome: 'error', reply: scrub(line, c) }
        session.write(response, HIDDEN)
      }
      const final = await imapTagged(session, tag)
      return { outcome: imapOutcome(final, tag), reply: scrub(final, c) }
    },
  }
}

const imapLogin: Mechanism = {
  name: 'LOGIN',
  async run(session, c) {
    const user = imapQuoted(c.username)
    const pass = imapQuoted(c.password)
    if (user === null || pass === null)
      return {
        outcome: 'error',
        reply: 'Not tried: the name or password has characters IMAP LOGIN cannot quote.',
      }
    const tag = session.nextTag()
    session.write(`${tag} LOGIN ${user} ${pass}`, `${tag} LOGIN ${user} ${HIDDEN}`)
    const line = await imapTagged(session, tag)
    return { outcome: imapOutcome(line, tag), reply: scrub(line, c) }
  },
}

function popOutcome(line: string): MechanismResult['outcome'] {
  return /^\+OK\b/i.test(line) ? 'accepted' : /^-ERR\b/i.test(line) ? 'rejected' : 'error'
}

const popUserPass: Mechanism = {
  name: 'USER/PASS',
  async run(session, c) {
    if (/[\r\n]/.test(c.username) || /[\r\n]/.test(c.password))
      return { outcome: 'error', reply: 'Not tried: the name or password contains a line break.' }
    session.write(`USER ${c.username}`)
    const user = await session.read()
    if (!/^\+OK\b/i.test(user)) return { outcome: popOutcome(user), reply: scrub(user, c) }
    session.write(`PASS ${c.password}`, `PASS ${HIDDEN}`)
    const pass = await session.read()
    return { outcome: popOutcome(pass), reply: scrub(pass, c) }
  },
}

function popSasl(mechanism: 'PLAIN' | 'LOGIN', responses: (c: Credentials) => string[]): Mechanism {
  return {
    name: `AUTH ${mechanism}`,
    async run(session, c) {
      session.write(`AUTH ${mechanism}`)
      for (const response of responses(c)) {
        const line = await session.read()
        if (!line.startsWith('+ ') && line !== '+')
          return { outcome: popOutcome(line), reply: scrub(line, c) }
        session.write(response, HIDDEN)
      }
      const final = await session.read()
      return { outcome: popOutcome(final), reply: scrub(final, c) }
    },
  }
}

function smtpOutcome(code: number): MechanismResult['outcome'] {
  return code === 235 ? 'accepted' : code === 535 || code === 534 || code === 454 ? 'rejected' : 'error'
}

function smtpSasl(mechanism: 'PLAIN' | 'LOGIN', responses: (c: Credentials) => string[]): Mechanism {
  return {
    name: `AUTH ${mechanism}`,
    async run(session, c) {
      session.write(`AUTH ${mechanism}`)
      for (const response of responses(c)) {
        const reply = await readReply(session)
        if (reply.code !== 334)
          return { outcome: smtpOutcome(reply.code), reply: scrub(reply.lines.join(' '), c) }
        session.write(response, HIDDEN)
      }
      const final = await readReply(session)
      return { outcome: smtpOutcome(final.code), reply: scrub(final.lines.join(' '), c) }
    },
  }
}

const PLAIN = (c: Credentials) => [plainResponse(c)]
const LOGIN = (c: Credentials) => [b64(c.username), b64(c.password)]

/** The mechanisms to try, in order, for what the server offers after TLS. */
export function mechanismsFor(protocol: MailProtocol, caps: Capabilities): Mechanism[] {
  const sasl = new Set(caps.authMechanisms)
  const out: Mechanism[] = []
  switch (protocol) {
    case 'imap':
      if (sasl.has('PLAIN')) out.push(imapSasl('PLAIN', PLAIN))
      if (sasl.has('LOGIN')) out.push(imapSasl('LOGIN', LOGIN))
      if (!caps.loginDisabled) out.push(imapLogin)
      break
    case 'pop3':
      if (sasl.has('PLAIN')) out.push(popSasl('PLAIN', PLAIN))
      if (sasl.has('LOGIN')) out.push(popSasl('LOGIN', LOGIN))
      // USER/PASS is POP3's base login (RFC 1939): tried when CAPA lists USER or CAPA is unknown.
      if (caps.plaintextLogin || !caps.known) out.push(popUserPass)
      break
    case 'smtp':
      if (sasl.has('PLAIN')) out.push(smtpSasl('PLAIN', PLAIN))
      if (sasl.has('LOGIN')) out.push(smtpSasl('LOGIN', LOGIN))
      break
  }
  return out
}

/** What the server offers after TLS, as the user would recognise it. */
export function offeredAfterTls(protocol: MailProtocol, caps: Capabilities): string[] {
  const sasl = caps.authMechanisms.map((m) => (protocol === 'imap' ? `AUTH=${m}` : `SASL ${m}`))
  if (protocol === 'imap' && !caps.loginDisabled) sasl.push('LOGIN')
  if (protocol === 'pop3' && caps.plaintextLogin) sasl.push('USER')
  return sasl
}
