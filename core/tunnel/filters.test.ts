// The protocol filters as pure stream logic: capability lists rewritten, literals and message
// data left alone, STARTTLS refused locally, credentials kept out of the record, and the same
// output whatever the chunk boundaries.
import { describe, expect, it } from 'vitest'
import { createFilters } from './filters.js'
import type { LineStream } from './line-stream.js'
import { CommandRecorder } from './recorder.js'
import { filterEhloReply } from './smtp-filter.js'

async function through(stream: LineStream, input: string, chunkSize = Infinity): Promise<string> {
  const out: Buffer[] = []
  stream.sink = (b: Buffer) => out.push(b)
  const bytes = Buffer.from(input, 'latin1')
  for (let i = 0; i < bytes.length; i += Math.min(chunkSize, bytes.length))
    stream.write(bytes.subarray(i, i + chunkSize))
  stream.end()
  return Buffer.concat(out).toString('latin1')
}

const latin1 = (s: string) => Buffer.from(s, 'latin1')

function imap() {
  const recorder = new CommandRecorder()
  return { ...createFilters('imap', { recorder, serverGreets: true }), recorder }
}

describe('IMAP server to client', () => {
  const server =
    '* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED AUTH=PLAIN] hi\r\n' +
    'a1 OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE IDLE] Logged in\r\n' +
    '* 1 FETCH (BODY[] {40}\r\n* CAPABILITY STARTTLS LOGINDISABLED x\r\n)\r\n' +
    '* capability imap4rev1 starttls\r\n'
  const expected =
    '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n' +
    'a1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n' +
    '* 1 FETCH (BODY[] {40}\r\n* CAPABILITY STARTTLS LOGINDISABLED x\r\n)\r\n' +
    '* capability imap4rev1\r\n'
  it.each([Infinity, 1, 7])('rewrites capability lists, never a literal (chunks of %s)', async (size) => {
    expect(await through(imap().fromServer, server, size)).toBe(expected)
  })
})

describe('IMAP client to server', () => {
  it('refuses STARTTLS locally, redacts LOGIN (literals too) and SASL, passes APPEND data', async () => {
    const f = imap()
    const replies: Buffer[] = []
    f.fromServer.sink = (b: Buffer) => replies.push(b)
    const sent = await through(
      f.fromClient,
      'a1 STARTTLS\r\na2 LOGIN alice s3cret\r\na3 LOGIN {5}\r\nalice {6}\r\ns3cret\r\na4 APPEND INBOX {13+}\r\na5 STARTTLS\r\n\r\na6 NOOP\r\n',
    )
    expect(sent).not.toContain('a1 STARTTLS')
    expect(sent).toContain('a5 STARTTLS') // inside the literal: data, not a command
    expect(sent).toContain('a2 LOGIN alice s3cret') // forwarded unchanged
    expect(Buffer.concat(replies).toString()).toMatch(/^a1 BAD STARTTLS is not available here/)
    expect(f.recorder.commands).toEqual([
      'a1 STARTTLS',
      'a2 LOGIN [redacted]',
      'a3 LOGIN [redacted]',
      'a4 APPEND INBOX {13+}',
      'a6 NOOP',
    ])
    expect(f.recorder.commands.join()).not.toContain('s3cret')
  })
  it('keeps SASL responses out of the record until the tagged answer', async () => {
    const f = imap()
    f.fromClient.write(latin1('a1 AUTHENTICATE PLAIN\r\n'))
    f.fromServer.write(latin1('+ \r\n'))
    f.fromClient.write(latin1('AGFsaWNlAHMzY3JldA==\r\n'))
    f.fromServer.write(latin1('a1 OK done\r\n'))
    f.fromClient.write(latin1('a2 SELECT INBOX\r\n'))
    expect(f.recorder.commands).toEqual([
      'a1 AUTHENTICATE PLAIN',
      '[redacted] (SASL response)',
      'a2 SELECT INBOX',
    ])
  })
})

describe('POP3', () => {
  it('drops STLS from CAPA only, leaves message lines alone, refuses STLS, redacts PASS', async () => {
    const recorder = new CommandRecorder()
    const f = createFilters('pop3', { recorder, serverGreets: true })
    const replies: Buffer[] = []
    f.fromServer.sink = (b: Buffer) => replies.push(b)
    await through(f.fromClient, 'CAPA\r\nSTLS\r\nUSER alice\r\nPASS s3cret\r\nRETR 1\r\n')
    f.fromServer.write(
      latin1(
        '+OK hello\r\n+OK\r\nTOP\r\nSTLS\r\nUSER\r\n.\r\n+OK\r\n+OK\r\n+OK 5 octets\r\nSTLS\r\n..x\r\n.\r\n',
      ),
    )
    f.fromServer.end()
    const out = Buffer.concat(replies).toString()
    expect(out).toBe(
      '-ERR STLS is not available here: Mailwarden already encrypts this connection.\r\n' +
        '+OK hello\r\n+OK\r\nTOP\r\nUSER\r\n.\r\n+OK\r\n+OK\r\n+OK 5 octets\r\nSTLS\r\n..x\r\n.\r\n',
    )
    expect(recorder.commands).toEqual(['CAPA', 'STLS', 'USER alice', 'PASS [redacted]', 'RETR 1'])
  })
})

describe('SMTP', () => {
  it('hides STARTTLS in EHLO answers, fixing the last line', () => {
    expect(filterEhloReply(['250-mx Hello', '250-AUTH PLAIN', '250 STARTTLS'])).toEqual([
      '250-mx Hello',
      '250 AUTH PLAIN',
    ])
    expect(filterEhloReply(['250-mx Hello', '250-STARTTLS', '250 HELP'])).toEqual([
      '250-mx Hello',
      '250 HELP',
    ])
  })
  it("an OAuth tunnel replaces the server's AUTH lines (both spellings) with its own", () => {
    expect(
      filterEhloReply(
        ['250-mx Hello', '250-AUTH LOGIN XOAUTH2', '250-AUTH=LOGIN', '250 8BITMIME'],
        'AUTH PLAIN LOGIN',
      ),
    ).toEqual(['250-mx Hello', '250-8BITMIME', '250 AUTH PLAIN LOGIN'])
    expect(filterEhloReply(['250-mx Hello', '250 AUTH XOAUTH2'], 'AUTH PLAIN LOGIN')).toEqual([
      '250-mx Hello',
      '250 AUTH PLAIN LOGIN',
    ])
  })
  it('follows DATA and BDAT so message lines are never taken for commands', async () => {
    const recorder = new CommandRecorder()
    const f = createFilters('smtp', { recorder, serverGreets: true })
    const replies: Buffer[] = []
    f.fromServer.sink = (b: Buffer) => replies.push(b)
    f.fromServer.write(latin1('220 mx ready\r\n250-mx\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n'))
    f.fromClient.write(latin1('EHLO me\r\nAUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n'))
    f.fromServer.write(latin1('235 ok\r\n354 go\r\n'))
    const sent = await through(f.fromClient, 'STARTTLS\r\n.\r\nBDAT 10 LAST\r\nSTARTTLS\r\nQUIT\r\n')
    expect(sent).toContain('STARTTLS\r\n.\r\nBDAT 10 LAST\r\nSTARTTLS\r\n') // message data, then the chunk
    expect(Buffer.concat(replies).toString()).toBe(
      '220 mx ready\r\n250-mx\r\n250 AUTH PLAIN\r\n235 ok\r\n354 go\r\n',
    )
    expect(recorder.commands).toEqual(['EHLO me', 'AUTH PLAIN [redacted]', 'BDAT 10 LAST', 'QUIT'])
  })
})

describe('dot-terminated bodies pass by a byte search, whatever the chunk boundaries', () => {
  // Lines that look like the end but are not: stuffed dots, a dot with more after it, a lone CR;
  // then the real end, then a line that must be read as a command / answer again.
  const body =
    'Subject: x\r\n\r\n..\r\n...\r\n..STLS\r\n.x\r\n.\rstill data\r\nline with . in it\r\nSTARTTLS\r\n'

  /** Every split of `text` into two chunks, and into 1-byte chunks. */
  function splits(text: string): Buffer[][] {
    const bytes = latin1(text)
    const out: Buffer[][] = [[...bytes].map((b) => Buffer.from([b]))]
    for (let at = 0; at <= bytes.length; at++) out.push([bytes.subarray(0, at), bytes.subarray(at)])
    return out
  }

  it('POP3: a RETR answer ends at its lone "." and the next answer is read (every split)', () => {
    const answers = `+OK 99 octets\r\n${body}.\r\n+OK 1 messages\r\n+OK\r\nSTLS\r\nUSER\r\n.\r\n`
    for (const chunks of splits(answers)) {
      const recorder = new CommandRecorder()
      const f = createFilters('pop3', { recorder, serverGreets: false })
      f.fromServer.sink = () => {}
      f.fromClient.sink = () => {}
      f.fromClient.write(latin1('RETR 1\r\nSTAT\r\nCAPA\r\n'))
      const out: Buffer[] = []
      f.fromServer.sink = (b: Buffer) => out.push(b)
      for (const chunk of chunks) f.fromServer.write(chunk)
      // The body unchanged (STLS inside it kept); the CAPA after it read: STLS dropped there.
      expect(Buffer.concat(out).toString('latin1')).toBe(
        `+OK 99 octets\r\n${body}.\r\n+OK 1 messages\r\n+OK\r\nUSER\r\n.\r\n`,
      )
    }
  })

  it('SMTP: DATA ends at its lone "." and the next line is a command again (every split)', () => {
    const data = `${body}.\r\nSTARTTLS\r\nQUIT\r\n`
    for (const chunks of splits(data)) {
      const recorder = new CommandRecorder()
      const f = createFilters('smtp', { recorder, serverGreets: true })
      const replies: Buffer[] = []
      f.fromServer.sink = (b: Buffer) => replies.push(b)
      f.fromServer.write(latin1('220 mx ready\r\n354 go\r\n'))
      const sent: Buffer[] = []
      f.fromClient.sink = (b: Buffer) => sent.push(b)
      for (const chunk of chunks) f.fromClient.write(chunk)
      // The message passes whole (its STARTTLS line too); the STARTTLS after the "." is refused here.
      expect(Buffer.concat(sent).toString('latin1')).toBe(`${body}.\r\nQUIT\r\n`)
      expect(recorder.commands).toEqual(['STARTTLS', 'QUIT'])
      expect(Buffer.concat(replies).toString()).toContain('502 5.5.1 STARTTLS is not available here')
    }
  })

  it('bare LF line endings end a body too', () => {
    const recorder = new CommandRecorder()
    const f = createFilters('smtp', { recorder, serverGreets: true })
    f.fromServer.sink = () => {}
    f.fromServer.write(latin1('220 mx\n354 go\n'))
    f.fromClient.sink = () => {}
    f.fromClient.write(latin1('a\n..\n.\nQUIT\n'))
    expect(recorder.commands).toEqual(['QUIT'])
  })
})

describe('the server’s answer to a login is recorded, never the credentials', () => {
  async function session(protocol: 'imap' | 'pop3' | 'smtp', client: string, server: string) {
    const recorder = new CommandRecorder()
    const f = createFilters(protocol, { recorder, serverGreets: true })
    f.fromServer.sink = () => {}
    f.fromClient.sink = () => {}
    // Alternating as a real session does: each client line, then the server's answer to it.
    const clientLines = client.split(/(?<=\r\n)/)
    const serverLines = server.split(/(?<=\r\n)/)
    f.fromServer.write(latin1(serverLines.shift() ?? ''))
    for (const line of clientLines) {
      f.fromClient.write(latin1(line))
      const answer = serverLines.shift()
      if (answer) f.fromServer.write(latin1(answer))
    }
    return recorder
  }

  it.each([
    [
      'IMAP LOGIN refused',
      'imap',
      'a1 LOGIN alice wrong\r\n',
      '* OK hi\r\na1 NO [AUTHENTICATIONFAILED] no\r\n',
      'failed',
      1,
    ],
    [
      'IMAP LOGIN accepted',
      'imap',
      'a1 LOGIN alice right\r\n',
      '* OK hi\r\na1 OK [CAPABILITY IMAP4rev1] in\r\n',
      'ok',
      0,
    ],
    [
      'IMAP AUTHENTICATE refused after a continuation',
      'imap',
      'a1 AUTHENTICATE PLAIN\r\nAGFsaWNlAHdyb25n\r\n',
      '* OK hi\r\n+ \r\na1 NO [AUTHENTICATIONFAILED] no\r\n',
      'failed',
      1,
    ],
    ['IMAP BAD to a LOGIN', 'imap', 'a1 LOGIN\r\n', '* OK hi\r\na1 BAD missing arguments\r\n', 'failed', 1],
    ['IMAP no login at all', 'imap', 'a1 CAPABILITY\r\n', '* OK hi\r\na1 OK done\r\n', null, 0],
    [
      'POP3 PASS refused',
      'pop3',
      'USER alice\r\nPASS wrong\r\n',
      '+OK hi\r\n+OK\r\n-ERR [AUTH] no\r\n',
      'failed',
      1,
    ],
    ['POP3 PASS accepted', 'pop3', 'USER alice\r\nPASS right\r\n', '+OK hi\r\n+OK\r\n+OK in\r\n', 'ok', 0],
    [
      'POP3 AUTH PLAIN refused',
      'pop3',
      'AUTH PLAIN AGFsaWNlAHdyb25n\r\n',
      '+OK hi\r\n-ERR [AUTH] no\r\n',
      'failed',
      1,
    ],
    ['POP3 USER refused is not a login', 'pop3', 'USER x\r\n', '+OK hi\r\n-ERR no\r\n', null, 0],
    [
      'SMTP AUTH refused',
      'smtp',
      'AUTH PLAIN AGFsaWNlAHdyb25n\r\n',
      '220 hi\r\n535 5.7.8 no\r\n',
      'failed',
      1,
    ],
    [
      'SMTP AUTH LOGIN over two 334s, accepted',
      'smtp',
      'AUTH LOGIN\r\nYWxpY2U=\r\ncmlnaHQ=\r\n',
      '220 hi\r\n334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 2.7.0 ok\r\n',
      'ok',
      0,
    ],
  ] as const)('%s', async (_name, protocol, client, server, login, failed) => {
    const recorder = await session(protocol, client, server)
    expect(recorder.login).toBe(login)
    expect(recorder.loginsFailed).toBe(failed)
    expect(recorder.commands.join('\n')).not.toMatch(/wrong|right|AGFsaWNl|YWxpY2U|cmlnaHQ/)
  })

  it('a second try on the same connection that works leaves the last answer ok, one failure counted', async () => {
    const recorder = await session(
      'imap',
      'a1 LOGIN alice wrong\r\na2 LOGIN alice right\r\n',
      '* OK hi\r\na1 NO no\r\na2 OK in\r\n',
    )
    expect(recorder.login).toBe('ok')
    expect(recorder.loginsFailed).toBe(1)
  })
})
