// A minimal IMAP server over implicit TLS on 127.0.0.1, for the tunnel's load test and benchmark:
// the lab's Dovecot caps logins per user and IP (10) and pre-login processes (100), so 500 or
// 2,000 concurrent sessions need a server of our own. It speaks just enough IMAP: a greeting with
// capabilities, NOOP, CAPABILITY, LOGOUT, "FETCH n BODY[]" answering a literal of `bulkBytes`, and
// "APPEND box {n+}" reading n bytes. Uses the lab's Dovecot certificate (imap.lab.test, lab CA).
import { sendSliced, startTlsUpstream, type TlsUpstream } from './tls-upstream.js'

export type ImapUpstream = TlsUpstream

/** The literal's bytes: no two 4 KiB blocks alike (a relay that sent one block in place of another
 * is caught by comparing), the same for every FETCH. */
export function bulkBytesOf(bytes: number): Buffer {
  const data = Buffer.alloc(bytes, 'x')
  for (let at = 0; at + 16 <= bytes; at += 4096)
    data.write(`[${String(at / 4096).padStart(12, '0')}]\r\n`, at, 'latin1')
  return data
}

export async function startImapUpstream(
  certDir: string,
  options: { bulkBytes?: number; host?: string } = {},
): Promise<ImapUpstream> {
  const bulkBytes = options.bulkBytes ?? 1024 * 1024
  const bulk = bulkBytesOf(bulkBytes)
  return startTlsUpstream({ certDir, certName: 'dovecot', host: options.host ?? '127.0.0.1' }, (socket) => {
    socket.write('* OK [CAPABILITY IMAP4rev1 LITERAL+ STARTTLS LOGINDISABLED] fake upstream ready\r\n')
    let buffer: Buffer = Buffer.alloc(0)
    let literal = 0
    let appendTag = ''
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk
      for (;;) {
        if (literal > 0) {
          const n = Math.min(literal, buffer.length)
          literal -= n
          buffer = buffer.subarray(n)
          if (literal > 0) return
          continue
        }
        const lf = buffer.indexOf(0x0a)
        if (lf === -1) return
        const line = buffer.toString('latin1', 0, lf).replace(/\r$/, '')
        buffer = buffer.subarray(lf + 1)
        if (appendTag && line === '') {
          socket.write(`${appendTag} OK APPEND completed\r\n`)
          appendTag = ''
          continue
        }
        const [tag, verb = ''] = line.split(' ')
        const command = verb.toUpperCase()
        const size = /\{(\d+)\+?\}$/.exec(line)
        if (command === 'APPEND' && size) {
          literal = Number(size[1])
          appendTag = tag ?? '*'
        } else if (command === 'NOOP') socket.write(`${tag} OK NOOP completed\r\n`)
        else if (command === 'CAPABILITY')
          socket.write(`* CAPABILITY IMAP4rev1 LITERAL+ STARTTLS\r\n${tag} OK CAPABILITY completed\r\n`)
        else if (command === 'LOGOUT') {
          socket.end(`* BYE logging out\r\n${tag} OK LOGOUT completed\r\n`)
          return
        } else if (command === 'FETCH') {
          socket.write(`* 1 FETCH (BODY[] {${bulkBytes}}\r\n`)
          sendSliced(socket, bulk, () => socket.write(`)\r\n${tag} OK FETCH completed\r\n`))
        } else socket.write(`${tag} BAD unknown command\r\n`)
      }
    })
  })
}
