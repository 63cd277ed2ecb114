// One login attempt per call against the OAuth-only servers, over the wire, returning what the
// server said: the final line, and the error challenge of a refused XOAUTH2/OAUTHBEARER (the
// base64 JSON `+ ...` / `334 ...` line, decoded). For the lab proof and for the tunnel's tests.
import { oauthbearer, Wire, type WireTarget, xoauth2 } from './oauth-wire.js'

export type LoginAttempt =
  | { kind: 'xoauth2' | 'oauthbearer'; user: string; token: string }
  | { kind: 'password'; user: string; password: string }
  | { kind: 'plain'; user: string; password: string }

export interface LoginOutcome {
  ok: boolean
  /** The server's last line (tagged IMAP answer, POP3 +OK/-ERR, SMTP reply). */
  final: string
  /** The decoded error challenge of a refused token (e.g. {"status":"invalid_token"}), if any. */
  challenge: string | null
  /** Every server line after the greeting, for diagnosis. */
  transcript: string[]
}

function saslPayload(a: LoginAttempt, target: WireTarget): { mech: string; ir: string } {
  switch (a.kind) {
    case 'xoauth2':
      return { mech: 'XOAUTH2', ir: xoauth2(a.user, a.token) }
    case 'oauthbearer':
      return { mech: 'OAUTHBEARER', ir: oauthbearer(a.user, a.token, target.host, target.port) }
    default:
      return { mech: 'PLAIN', ir: Buffer.from(`\0${a.user}\0${a.password}`).toString('base64') }
  }
}

// After a refused token the server sends a challenge; the client answers an empty response
// (XOAUTH2) or %x01 (OAUTHBEARER, RFC 7628 3.2.3) and gets the final refusal.
function abortResponse(a: LoginAttempt): string {
  return a.kind === 'oauthbearer' ? 'AQ==' : ''
}

function decodeChallenge(line: string, prefix: string): string {
  return Buffer.from(line.slice(prefix.length).trim(), 'base64').toString('utf8')
}

export async function imapLogin(target: WireTarget, a: LoginAttempt): Promise<LoginOutcome> {
  const w = await Wire.open(target)
  const transcript: string[] = []
  try {
    await w.readUntil((l) => l.startsWith('* '))
    const tagged = (tag: string) => (l: string) => l.startsWith(`${tag} `) || l.startsWith('+ ')
    if (!target.implicitTls) {
      w.send('S STARTTLS')
      transcript.push(...(await w.readUntil(tagged('S'))))
      await w.startTls()
    }
    let challenge: string | null = null
    if (a.kind === 'password') {
      w.send(`A LOGIN "${a.user}" "${a.password}"`)
    } else {
      const { mech, ir } = saslPayload(a, target)
      w.send(`A AUTHENTICATE ${mech} ${ir}`)
    }
    let lines = await w.readUntil(tagged('A'))
    transcript.push(...lines)
    const last = lines.at(-1) ?? ''
    if (last.startsWith('+ ')) {
      challenge = decodeChallenge(last, '+ ')
      w.send(abortResponse(a))
      lines = await w.readUntil(tagged('A'))
      transcript.push(...lines)
    }
    const final = transcript.at(-1) ?? ''
    return { ok: final.startsWith('A OK'), final, challenge, transcript }
  } finally {
    w.close()
  }
}

export async function pop3Login(target: WireTarget, a: LoginAttempt): Promise<LoginOutcome> {
  const w = await Wire.open(target)
  const transcript: string[] = []
  const answer = (l: string) => l.startsWith('+OK') || l.startsWith('-ERR') || l.startsWith('+ ')
  try {
    await w.readUntil(answer)
    if (!target.implicitTls) {
      w.send('STLS')
      transcript.push(...(await w.readUntil(answer)))
      await w.startTls()
    }
    let challenge: string | null = null
    if (a.kind === 'password') {
      w.send(`USER ${a.user}`)
      const user = await w.readUntil(answer)
      transcript.push(...user)
      if (user.at(-1)?.startsWith('+OK')) {
        w.send(`PASS ${a.password}`)
        transcript.push(...(await w.readUntil(answer)))
      }
    } else {
      const { mech, ir } = saslPayload(a, target)
      w.send(`AUTH ${mech} ${ir}`)
      const lines = await w.readUntil(answer)
      transcript.push(...lines)
      const last = lines.at(-1) ?? ''
      if (last.startsWith('+ ')) {
        challenge = decodeChallenge(last, '+ ')
        w.send(abortResponse(a))
        transcript.push(...(await w.readUntil(answer)))
      }
    }
    const final = transcript.at(-1) ?? ''
    return { ok: final.startsWith('+OK'), final, challenge, transcript }
  } finally {
    w.close()
  }
}

const smtpDone = (l: string) => /^\d{3} /.test(l)

export async function smtpLogin(target: WireTarget, a: LoginAttempt): Promise<LoginOutcome> {
  const w = await Wire.open(target)
  const transcript: string[] = []
  try {
    await w.readUntil(smtpDone)
    w.send('EHLO client.lab.test')
    transcript.push(...(await w.readUntil(smtpDone)))
    if (!target.implicitTls) {
      w.send('STARTTLS')
      transcript.push(...(await w.readUntil(smtpDone)))
      await w.startTls()
      w.send('EHLO client.lab.test')
      transcript.push(...(await w.readUntil(smtpDone)))
    }
    let challenge: string | null = null
    if (a.kind === 'password') {
      w.send('AUTH LOGIN')
      const lines = await w.readUntil(smtpDone)
      transcript.push(...lines)
      if (lines.at(-1)?.startsWith('334')) {
        w.send(Buffer.from(a.user).toString('base64'))
        transcript.push(...(await w.readUntil(smtpDone)))
        w.send(Buffer.from(a.password).toString('base64'))
        transcript.push(...(await w.readUntil(smtpDone)))
      }
    } else {
      const { mech, ir } = saslPayload(a, target)
      w.send(`AUTH ${mech} ${ir}`)
      const lines = await w.readUntil(smtpDone)
      transcript.push(...lines)
      const last = lines.at(-1) ?? ''
      if (last.startsWith('334 ')) {
        challenge = decodeChallenge(last, '334 ')
        w.send(abortResponse(a))
        transcript.push(...(await w.readUntil(smtpDone)))
      }
    }
    const final = transcript.at(-1) ?? ''
    return { ok: final.startsWith('235'), final, challenge, transcript }
  } finally {
    w.close()
  }
}
