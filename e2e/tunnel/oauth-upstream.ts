// A small server of our own for the tunnel's sign-in gate: IMAP, POP3 or SMTP over implicit TLS or
// STARTTLS (the lab's Dovecot certificate, imap.lab.test, lab CA), accepting only XOAUTH2 and
// OAUTHBEARER with the tokens the test allows, and refusing a token exactly as the real servers
// do: Dovecot (and Exim through Dovecot's auth) send the refusal as a base64 JSON challenge, wait
// for the client's acknowledgement, then say NO / -ERR / 535; Microsoft answers at once
// ("NO AUTHENTICATE failed.", "-ERR Authentication failure", "535 5.7.3 Authentication
// unsuccessful"). After a login it answers a few commands, so the pump's work can be seen.
import fs from 'node:fs'
import net, { type AddressInfo } from 'node:net'
import path from 'node:path'
import tls from 'node:tls'
import type { MailProtocol, TlsSecurity } from '../../shared/contract/mail.js'

export type RefusalStyle = 'dovecot' | 'microsoft'

export interface OAuthUpstreamOptions {
  protocol: MailProtocol
  mode: TlsSecurity
  certDir: string
  style?: RefusalStyle
  /** Mechanisms offered (default both). */
  mechanisms?: string[]
  /** IMAP: offer SASL-IR (default true). */
  saslIr?: boolean
  /** Where it listens (default 127.0.0.1). */
  host?: string
}

export interface OAuthUpstream {
  port: number
  /** Tokens accepted (the test changes it). */
  readonly valid: Set<string>
  /** Each AUTH/AUTHENTICATE seen: the mechanism and its decoded response. */
  readonly logins: { mechanism: string; response: string }[]
  /** Every line the server read, in order (after TLS). */
  readonly lines: string[]
  close(): Promise<void>
}

const REFUSAL_JSON = Buffer.from(
  '{"status":"401","schemes":"bearer","scope":"https://mail.lab.test/"}',
).toString('base64')

interface Session {
  write(text: string): void
  end(text: string): void
}

type Handler = (line: string, session: Session) => void

export async function startOAuthUpstream(options: OAuthUpstreamOptions): Promise<OAuthUpstream> {
  const context = tls.createSecureContext({
    cert: fs.readFileSync(path.join(options.certDir, 'dovecot.pem')),
    key: fs.readFileSync(path.join(options.certDir, 'dovecot.key')),
    minVersion: 'TLSv1.2',
  })
  const state = {
    valid: new Set<string>(),
    logins: [] as { mechanism: string; response: string }[],
    lines: [] as string[],
  }
  const sockets = new Set<net.Socket>()
  const server = net.createServer((raw) => {
    sockets.add(raw)
    raw.on('close', () => sockets.delete(raw))
    raw.on('error', () => raw.destroy())
    if (options.mode === 'implicit-tls') {
      const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: context })
      secure.on('error', () => raw.destroy())
      serve(secure, options, state, true)
    } else startTls(raw, context, options, state)
  })
  await new Promise<void>((resolve) => server.listen({ host: options.host ?? '127.0.0.1', port: 0 }, resolve))
  return {
    port: (server.address() as AddressInfo).port,
    ...state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** The plaintext part: greeting, capabilities with STARTTLS, the upgrade. */
function startTls(
  raw: net.Socket,
  context: tls.SecureContext,
  options: OAuthUpstreamOptions,
  state: Pick<OAuthUpstream, 'valid' | 'logins' | 'lines'>,
): void {
  const upgrade = (reply: string) => {
    raw.removeAllListeners('data')
    raw.write(reply, () => {
      const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: context })
      secure.on('error', () => raw.destroy())
      serve(secure, options, state, false)
    })
  }
  const session: Session = { write: (t) => raw.write(t), end: (t) => raw.end(t) }
  const plain: Record<MailProtocol, { greeting: string; handle: Handler }> = {
    imap: {
      greeting: '* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] fake ready\r\n',
      handle: (line, s) => {
        const [tag, verb = ''] = line.split(' ')
        if (verb.toUpperCase() === 'STARTTLS') upgrade(`${tag} OK Begin TLS\r\n`)
        else if (verb.toUpperCase() === 'CAPABILITY')
          s.write(`* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n${tag} OK done\r\n`)
        else s.write(`${tag} BAD TLS first\r\n`)
      },
    },
    pop3: {
      greeting: '+OK fake ready\r\n',
      handle: (line, s) => {
        if (line.toUpperCase() === 'STLS') upgrade('+OK Begin TLS\r\n')
        else if (line.toUpperCase() === 'CAPA') s.write('+OK\r\nSTLS\r\nUSER\r\n.\r\n')
        else s.write('-ERR TLS first\r\n')
      },
    },
    smtp: {
      greeting: '220 fake.lab.test ESMTP fake\r\n',
      handle: (line, s) => {
        const verb = line.split(' ')[0]?.toUpperCase()
        if (verb === 'EHLO') s.write('250-fake.lab.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n')
        else if (verb === 'STARTTLS') upgrade('220 2.0.0 Ready to start TLS\r\n')
        else s.write('530 5.7.0 Must issue a STARTTLS command first\r\n')
      },
    },
  }
  const { greeting, handle } = plain[options.protocol]
  raw.write(greeting)
  onLines(raw, (line) => handle(line, session))
}

function onLines(socket: net.Socket, each: (line: string) => void): void {
  let buffer = ''
  socket.setEncoding('latin1')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    for (let lf = buffer.indexOf('\n'); lf !== -1; lf = buffer.indexOf('\n')) {
      const line = buffer.slice(0, lf).replace(/\r$/, '')
      buffer = buffer.slice(lf + 1)
      each(line)
    }
  })
}

function serve(
  socket: tls.TLSSocket,
  options: OAuthUpstreamOptions,
  state: Pick<OAuthUpstream, 'valid' | 'logins' | 'lines'>,
  greet: boolean,
): void {
  const mechanisms = options.mechanisms ?? ['XOAUTH2', 'OAUTHBEARER']
  const style = options.style ?? 'dovecot'
  const session: Session = { write: (t) => socket.write(t), end: (t) => socket.end(t) }
  /** While a SASL exchange is under way: what the next line is. */
  let pending: ((line: string) => void) | null = null
  const check = (mechanism: string, base64: string): boolean => {
    const response = Buffer.from(base64, 'base64').toString('utf8')
    state.logins.push({ mechanism, response })
    const token = response
      .split('\x01')
      .find((part) => part.startsWith('auth=Bearer '))
      ?.slice('auth=Bearer '.length)
    return token !== undefined && state.valid.has(token)
  }
  /** One SASL exchange: the response (inline or after the prompt), then the verdict. */
  const sasl = (
    mechanism: string,
    initial: string | undefined,
    words: {
      prompt: string
      challenge: string
      ok: string
      refusedAfterChallenge: string
      refusedAtOnce: string
    },
  ) => {
    const verdict = (response: string) => {
      if (check(mechanism, response)) return session.write(words.ok)
      if (style === 'microsoft') return session.write(words.refusedAtOnce)
      session.write(`${words.challenge}${REFUSAL_JSON}\r\n`)
      pending = () => session.write(words.refusedAfterChallenge)
    }
    if (initial !== undefined) verdict(initial)
    else {
      session.write(words.prompt)
      pending = verdict
    }
  }
  const handlers: Record<MailProtocol, Handler> = {
    imap: (line, s) => {
      const [tag = '*', verb = '', ...args] = line.split(' ')
      const command = verb.toUpperCase()
      const caps = `IMAP4rev1 LITERAL+ ID ${options.saslIr === false ? '' : 'SASL-IR '}${mechanisms.map((m) => `AUTH=${m}`).join(' ')}`
      if (command === 'CAPABILITY') s.write(`* CAPABILITY ${caps}\r\n${tag} OK done\r\n`)
      else if (command === 'AUTHENTICATE') {
        const mechanism = (args[0] ?? '').toUpperCase()
        if (!mechanisms.includes(mechanism)) return s.write(`${tag} NO Unsupported mechanism\r\n`)
        sasl(mechanism, args[1], {
          prompt: '+ \r\n',
          challenge: '+ ',
          ok: `${tag} OK [CAPABILITY IMAP4rev1 IDLE LITERAL+] Logged in\r\n`,
          refusedAfterChallenge: `${tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n`,
          refusedAtOnce: `${tag} NO AUTHENTICATE failed.\r\n`,
        })
      } else if (command === 'SELECT') s.write(`* 1 EXISTS\r\n${tag} OK [READ-WRITE] Select completed\r\n`)
      else if (command === 'NOOP') s.write(`${tag} OK NOOP completed\r\n`)
      else if (command === 'LOGOUT') s.end(`* BYE Logging out\r\n${tag} OK Logout completed\r\n`)
      else s.write(`${tag} BAD unknown\r\n`)
    },
    pop3: (line, s) => {
      const [word = '', ...args] = line.split(' ')
      const verb = word.toUpperCase()
      if (verb === 'CAPA') s.write(`+OK\r\nTOP\r\nUIDL\r\nUSER\r\nSASL ${mechanisms.join(' ')}\r\n.\r\n`)
      else if (verb === 'AUTH') {
        const mechanism = (args[0] ?? '').toUpperCase()
        if (!mechanisms.includes(mechanism)) return s.write('-ERR Unsupported mechanism\r\n')
        sasl(mechanism, args[1], {
          prompt: '+ \r\n',
          challenge: '+ ',
          ok: '+OK Logged in.\r\n',
          refusedAfterChallenge: '-ERR [AUTH] Authentication failed.\r\n',
          refusedAtOnce: '-ERR Authentication failure: unknown user name or bad password.\r\n',
        })
      } else if (verb === 'STAT') s.write('+OK 1 120\r\n')
      else if (verb === 'QUIT') s.end('+OK Logging out.\r\n')
      else s.write('-ERR Unknown command\r\n')
    },
    smtp: (line, s) => {
      const [word = '', ...args] = line.split(' ')
      const verb = word.toUpperCase()
      if (verb === 'EHLO')
        s.write(
          `250-fake.lab.test Hello ${args[0] ?? ''}\r\n250-PIPELINING\r\n250-AUTH ${mechanisms.join(' ')}\r\n250 8BITMIME\r\n`,
        )
      else if (verb === 'AUTH') {
        const mechanism = (args[0] ?? '').toUpperCase()
        if (!mechanisms.includes(mechanism)) return s.write('504 5.5.4 Unsupported mechanism\r\n')
        sasl(mechanism, args[1], {
          prompt: '334 \r\n',
          challenge: '334 ',
          ok: '235 2.7.0 Authentication successful\r\n',
          refusedAfterChallenge: '535 Incorrect authentication data\r\n',
          refusedAtOnce:
            '535 5.7.3 Authentication unsuccessful [SN4PR0501CA0054.namprd05.prod.outlook.com]\r\n',
        })
      } else if (verb === 'MAIL' || verb === 'RCPT') s.write('250 2.1.0 OK\r\n')
      else if (verb === 'DATA') {
        s.write('354 Go ahead\r\n')
        const body = (next: string) => {
          if (next === '.') s.write('250 2.0.0 Accepted\r\n')
          else pending = body
        }
        pending = body
      } else if (verb === 'QUIT') s.end('221 2.0.0 Bye\r\n')
      else s.write('502 5.5.2 Unknown command\r\n')
    },
  }
  if (greet) {
    const greetings: Record<MailProtocol, string> = {
      imap: '* OK fake IMAP ready\r\n',
      pop3: '+OK fake POP3 ready\r\n',
      smtp: '220-fake.lab.test ESMTP\r\n220 fake ready\r\n',
    }
    socket.write(greetings[options.protocol])
  }
  onLines(socket, (line) => {
    state.lines.push(line)
    const next = pending
    if (next) {
      pending = null
      next(line)
      return
    }
    handlers[options.protocol](line, session)
  })
}
