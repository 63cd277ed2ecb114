// SMTP / submission (RFC 5321, STARTTLS of RFC 3207): greeting, EHLO, STARTTLS.
import net from 'node:net'
import { NetError } from '../errors.js'
import { MAX_QUOTED_LINE_CHARS, MAX_RESPONSE_LINES } from '../limits.js'
import type { Session } from '../session.js'
import { type Capabilities, type Dialogue, noCapabilities } from './types.js'

export interface SmtpReply {
  code: number
  lines: string[]
}

/** Reads one (possibly multi-line) reply: "250-..." lines then "250 ...". */
export async function readReply(session: Session): Promise<SmtpReply> {
  const lines: string[] = []
  for (let i = 0; i < MAX_RESPONSE_LINES; i++) {
    const line = await session.read()
    const match = /^([2-5]\d\d)([ -]|$)/.exec(line)
    if (!match)
      throw new NetError(
        'protocol',
        `${session.where} answered with a line that is not SMTP: ${JSON.stringify(line.slice(0, MAX_QUOTED_LINE_CHARS))}.`,
      )
    const code = Number(match[1])
    if (lines.length > 0 && Number(lines[0]?.slice(0, 3)) !== code)
      throw new NetError('protocol', `${session.where} changed its reply code in the middle of a reply.`)
    lines.push(line)
    if (match[2] !== '-') return { code, lines }
  }
  throw new NetError(
    'too-much-data',
    `${session.where} sent more than ${MAX_RESPONSE_LINES} lines in one reply.`,
  )
}

/** The text after the code of each line of an EHLO reply, minus the first (the server's name). */
export function smtpCapabilities(reply: SmtpReply): Capabilities {
  const keywords = reply.lines.slice(1).map((l) => l.slice(4).trim())
  const words = keywords.map((k) => k.split(/[\s=]+/))
  const has = (name: string) => words.some((w) => w[0]?.toUpperCase() === name)
  const mechanisms = new Set<string>()
  for (const w of words)
    if (w[0]?.toUpperCase() === 'AUTH') for (const m of w.slice(1)) mechanisms.add(m.toUpperCase())
  return {
    known: true,
    raw: keywords,
    startTls: has('STARTTLS'),
    authMechanisms: [...mechanisms],
    loginDisabled: false,
    plaintextLogin: mechanisms.size > 0,
  }
}

/** EHLO's argument: our address literal (RFC 5321 4.1.3), which needs no DNS name of ours. */
export function ehloName(session: Session): string {
  const local = (session.socket as net.Socket).localAddress
  if (!local) return '[127.0.0.1]'
  return net.isIPv6(local) && !local.startsWith('::ffff:')
    ? `[IPv6:${local}]`
    : `[${local.replace(/^::ffff:/, '')}]`
}

export const smtpDialogue: Dialogue = {
  protocol: 'smtp',
  startTlsCommand: 'STARTTLS',
  async greeting(session) {
    const reply = await readReply(session)
    const status = reply.code === 220 ? 'ok' : reply.code === 421 ? 'busy' : 'refused'
    return { status, lines: reply.lines, capabilities: null }
  },
  async capabilities(session) {
    session.write(`EHLO ${ehloName(session)}`)
    const reply = await readReply(session)
    if (reply.code !== 250) return noCapabilities()
    return smtpCapabilities(reply)
  },
  async requestStartTls(session) {
    session.write('STARTTLS')
    const reply = await readReply(session)
    return { accepted: reply.code === 220, reply: reply.lines.join('\n') }
  },
}
