// An SMTP-ish server over implicit TLS (as on port 465) for the benchmark: the lab's Exim
// certificate (smtp.lab.test) on Exim's lab address. It greets 220, answers EHLO with a few
// extensions, MAIL FROM, RCPT TO, NOOP, RSET, QUIT, and after DATA's 354 reads message data until
// the lone "." line, then "250 OK queued". The size of each message's data (stuffed, with the
// final ".\r\n") is kept, so the benchmark can check that every byte arrived.
import type { TLSSocket } from 'node:tls'
import { startTlsUpstream, type TlsUpstream } from '../../e2e/tunnel/tls-upstream.js'

const EHLO =
  '250-smtp.lab.test Hello bench\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 104857600\r\n250 HELP\r\n'
const END = Buffer.from('\r\n.\r\n', 'latin1')

export interface SmtpUpstream extends TlsUpstream {
  /** Data octets of the last message, from after DATA's CRLF to its final ".\r\n" included. */
  readonly lastMessageOctets: number
}

function answer(line: string): string | null {
  const verb = (line.split(' ')[0] ?? '').toUpperCase()
  switch (verb) {
    case 'EHLO':
      return EHLO
    case 'HELO':
      return '250 smtp.lab.test\r\n'
    case 'MAIL':
    case 'RCPT':
    case 'NOOP':
    case 'RSET':
      return '250 OK\r\n'
    case 'DATA':
      return '354 Enter message, ending with "." on a line by itself\r\n'
    case 'QUIT':
      return null
    default:
      return '500 Unrecognized command\r\n'
  }
}

/** One client's session: command lines, or message data until the end marker. */
class Session {
  #commands: Buffer = Buffer.alloc(0)
  #inData = false
  #octets = 0
  /** The last bytes of data seen (the end marker may straddle two chunks); "\r\n" at first, so
   * a message whose first line is "." ends there. */
  #tail: Buffer = Buffer.alloc(0)

  constructor(
    private readonly socket: TLSSocket,
    private readonly onMessage: (octets: number) => void,
  ) {
    socket.write('220 smtp.lab.test ESMTP bench upstream\r\n')
    socket.on('data', (chunk: Buffer) => (this.#inData ? this.#data(chunk) : this.#lines(chunk)))
  }

  #lines(chunk: Buffer): void {
    this.#commands = this.#commands.length ? Buffer.concat([this.#commands, chunk]) : chunk
    for (let lf = this.#commands.indexOf(0x0a); lf !== -1; lf = this.#commands.indexOf(0x0a)) {
      const line = this.#commands.toString('latin1', 0, lf).replace(/\r$/, '')
      this.#commands = this.#commands.subarray(lf + 1)
      const reply = answer(line)
      if (reply === null) {
        this.socket.end('221 Bye\r\n')
        return
      }
      this.socket.write(reply)
      if (reply.startsWith('354')) {
        this.#inData = true
        this.#octets = 0
        this.#tail = Buffer.from('\r\n', 'latin1')
        const rest = this.#commands
        this.#commands = Buffer.alloc(0)
        if (rest.length > 0) this.#data(rest)
        return
      }
    }
  }

  #data(chunk: Buffer): void {
    const seam = Buffer.concat([this.#tail, chunk.subarray(0, END.length - 1)]).indexOf(END)
    const inside = chunk.indexOf(END)
    const end = seam !== -1 ? seam + END.length - this.#tail.length : inside !== -1 ? inside + END.length : -1
    if (end === -1) {
      this.#octets += chunk.length
      this.#tail = Buffer.concat([this.#tail, chunk.subarray(-(END.length - 1))]).subarray(-(END.length - 1))
      return
    }
    this.onMessage(this.#octets + end)
    this.#inData = false
    this.socket.write('250 OK queued\r\n')
    if (end < chunk.length) this.#lines(chunk.subarray(end))
  }
}

export async function startSmtpUpstream(options: { certDir: string; host: string }): Promise<SmtpUpstream> {
  let lastMessageOctets = 0
  const upstream = await startTlsUpstream({ ...options, certName: 'exim' }, (socket) => {
    new Session(socket, (octets) => {
      lastMessageOctets = octets
    })
  })
  return {
    ...upstream,
    get lastMessageOctets() {
      return lastMessageOctets
    },
  }
}
