// A POP3-ish server over implicit TLS (as on port 995) for the benchmark: the lab's Dovecot
// certificate (pop.lab.test) on Dovecot's lab address. It greets +OK, answers USER, PASS, CAPA,
// NOOP, STAT, QUIT, and "RETR 1" with one large message: "+OK n octets", the dot-stuffed text
// made once by the caller, then ".". What the relays' POP3 line filters have to read through.

import { readLines, sendSliced, startTlsUpstream, type TlsUpstream } from '../../e2e/tunnel/tls-upstream.js'
import type { WireMessage } from './mail-text.js'

const CAPA = '+OK Capability list follows\r\nUSER\r\nPIPELINING\r\nUIDL\r\nTOP\r\nRESP-CODES\r\n.\r\n'

export function startPop3Upstream(
  options: { certDir: string; host: string },
  message: WireMessage,
): Promise<TlsUpstream> {
  return startTlsUpstream({ ...options, certName: 'dovecot' }, (socket) => {
    socket.write('+OK POP3 bench upstream ready <1.bench@pop.lab.test>\r\n')
    readLines(socket, (line) => {
      const [word = '', argument = ''] = line.split(' ')
      switch (word.toUpperCase()) {
        case 'USER':
        case 'NOOP':
          socket.write('+OK\r\n')
          break
        case 'PASS':
          socket.write('+OK Logged in.\r\n')
          break
        case 'CAPA':
          socket.write(CAPA)
          break
        case 'STAT':
          socket.write(`+OK 1 ${message.octets}\r\n`)
          break
        case 'RETR':
          if (argument !== '1') socket.write('-ERR There is no such message.\r\n')
          else {
            socket.write(`+OK ${message.octets} octets\r\n`)
            sendSliced(socket, message.wire, () => socket.write('.\r\n'))
          }
          break
        case 'QUIT':
          socket.end('+OK Logging out.\r\n')
          break
        default:
          socket.write('-ERR Unknown command.\r\n')
      }
    })
  })
}
