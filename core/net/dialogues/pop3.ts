// POP3 (RFC 1939, CAPA of RFC 2449, STLS of RFC 2595).
import { NetError } from '../errors.js'
import { MAX_QUOTED_LINE_CHARS, MAX_RESPONSE_LINES } from '../limits.js'
import { type Capabilities, type Dialogue, noCapabilities } from './types.js'

/** Parses CAPA lines exactly: "STLS", "USER", "SASL PLAIN LOGIN". */
export function pop3Capabilities(lines: string[]): Capabilities {
  const words = lines.map((l) => l.trim().split(/\s+/))
  const has = (name: string) => words.some((w) => w[0]?.toUpperCase() === name)
  const sasl = words.find((w) => w[0]?.toUpperCase() === 'SASL')
  return {
    known: true,
    raw: lines,
    startTls: has('STLS'),
    authMechanisms: (sasl?.slice(1) ?? []).map((m) => m.toUpperCase()),
    loginDisabled: false,
    plaintextLogin: has('USER'),
  }
}

function isOk(line: string): boolean {
  return /^\+OK\b/i.test(line)
}

export const pop3Dialogue: Dialogue = {
  protocol: 'pop3',
  startTlsCommand: 'STLS',
  async greeting(session) {
    const line = await session.read()
    if (isOk(line)) return { status: 'ok', lines: [line], capabilities: null }
    if (/^-ERR\b/i.test(line)) return { status: 'refused', lines: [line], capabilities: null }
    throw new NetError(
      'protocol',
      `${session.where} did not greet like a POP3 server: ${JSON.stringify(line.slice(0, MAX_QUOTED_LINE_CHARS))}.`,
    )
  },
  async capabilities(session) {
    session.write('CAPA')
    const first = await session.read()
    if (!isOk(first)) return noCapabilities()
    const lines: string[] = []
    for (let i = 0; i < MAX_RESPONSE_LINES; i++) {
      const line = await session.read()
      if (line === '.') return pop3Capabilities(lines)
      // Dot-stuffing (RFC 1939 3): a leading dot is doubled.
      lines.push(line.startsWith('..') ? line.slice(1) : line)
    }
    throw new NetError('too-much-data', `${session.where} sent more than ${MAX_RESPONSE_LINES} CAPA lines.`)
  },
  async requestStartTls(session) {
    session.write('STLS')
    const reply = await session.read()
    return { accepted: isOk(reply), reply }
  },
}
