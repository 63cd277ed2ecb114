// IMAP (RFC 9051 / 3501): greeting (OK, PREAUTH, BYE), CAPABILITY, STARTTLS.
import { NetError } from '../errors.js'
import { MAX_QUOTED_LINE_CHARS, MAX_RESPONSE_LINES } from '../limits.js'
import type { Session } from '../session.js'
import type { Capabilities, Dialogue, Greeting, StartTlsReply } from './types.js'

const GREETING = /^\* (OK|PREAUTH|BYE)\b ?(.*)$/i
const CAPABILITY_CODE = /^\[CAPABILITY ([^\]]*)\]/i

/** Parses a list of capability atoms exactly: "IMAP4rev1 STARTTLS AUTH=PLAIN". */
export function imapCapabilities(atoms: string[]): Capabilities {
  const upper = atoms.map((a) => a.toUpperCase())
  const mechanisms = upper.filter((a) => a.startsWith('AUTH=')).map((a) => a.slice(5))
  const loginDisabled = upper.includes('LOGINDISABLED')
  return {
    known: true,
    raw: atoms,
    startTls: upper.includes('STARTTLS'),
    authMechanisms: mechanisms,
    loginDisabled,
    plaintextLogin: !loginDisabled,
  }
}

function atomsOf(text: string): string[] {
  return text.split(' ').filter((a) => a.length > 0)
}

/** Reads untagged lines until the tagged completion; returns [untagged, tagged]. */
async function untilTagged(session: Session, tag: string): Promise<[string[], string]> {
  const untagged: string[] = []
  for (let i = 0; i < MAX_RESPONSE_LINES; i++) {
    const line = await session.read()
    if (line.startsWith(`${tag} `)) return [untagged, line]
    if (line.startsWith('* ') || line.startsWith('+')) untagged.push(line)
    else
      throw new NetError(
        'protocol',
        `${session.where} answered with a line that is not IMAP: ${JSON.stringify(line.slice(0, MAX_QUOTED_LINE_CHARS))}.`,
      )
  }
  throw new NetError(
    'too-much-data',
    `${session.where} sent more than ${MAX_RESPONSE_LINES} lines for one command.`,
  )
}

function tagStatus(line: string, tag: string): string {
  return (
    line
      .slice(tag.length + 1)
      .split(' ', 1)[0]
      ?.toUpperCase() ?? ''
  )
}

export const imapDialogue: Dialogue = {
  protocol: 'imap',
  startTlsCommand: 'STARTTLS',
  async greeting(session): Promise<Greeting> {
    const line = await session.read()
    const match = GREETING.exec(line)
    if (!match)
      throw new NetError(
        'protocol',
        `${session.where} did not greet like an IMAP server: ${JSON.stringify(line.slice(0, MAX_QUOTED_LINE_CHARS))}.`,
      )
    const status = match[1]?.toUpperCase()
    const code = CAPABILITY_CODE.exec(match[2] ?? '')
    return {
      status: status === 'OK' ? 'ok' : status === 'PREAUTH' ? 'preauth' : 'refused',
      lines: [line],
      capabilities: code?.[1] !== undefined ? atomsOf(code[1]) : null,
    }
  },
  async capabilities(session) {
    const tag = session.nextTag()
    session.write(`${tag} CAPABILITY`)
    const [untagged, tagged] = await untilTagged(session, tag)
    if (tagStatus(tagged, tag) !== 'OK') return { ...imapCapabilities([]), known: false }
    const atoms: string[] = []
    for (const line of untagged) {
      const match = /^\* CAPABILITY (.*)$/i.exec(line)
      if (match?.[1]) atoms.push(...atomsOf(match[1]))
    }
    return imapCapabilities(atoms)
  },
  async requestStartTls(session): Promise<StartTlsReply> {
    const tag = session.nextTag()
    session.write(`${tag} STARTTLS`)
    const [, tagged] = await untilTagged(session, tag)
    return { accepted: tagStatus(tagged, tag) === 'OK', reply: tagged }
  },
}
