// A DNS server on 127.0.0.1 for tests that must cancel a run before it ends: it answers the TXT
// records it is given at once, says NXDOMAIN for other names at once, and holds every question for
// a name that `held` matches unanswered (the resolver's own timeout is then the soonest such a
// lookup ends). A run whose later messages need held names therefore cannot finish before the test
// cancels it, however fast the machine: the gate, not a race against the run's speed.
import { createSocket, type RemoteInfo } from 'node:dgram'

export interface HeldDns {
  /** host:port, as the dnsServer setting and the requests' dnsServer take it. */
  server: string
  /** The names asked so far (lower case), in order, held ones included. */
  asked: string[]
  close(): Promise<void>
}

function questionName(query: Buffer): { name: string; end: number } {
  const labels: string[] = []
  let at = 12
  while (at < query.length && query[at] !== 0) {
    const length = query[at] as number
    labels.push(query.subarray(at + 1, at + 1 + length).toString('latin1'))
    at += 1 + length
  }
  return { name: labels.join('.').toLowerCase(), end: at + 5 }
}

function answer(query: Buffer, records: string[] | null, refused = false): Buffer {
  const { end } = questionName(query)
  const head = Buffer.from(query.subarray(0, 12))
  // A response: REFUSED (5), NXDOMAIN (3) when there is no record, else NOERROR.
  head.writeUInt16BE(refused ? 0x8185 : records ? 0x8180 : 0x8183, 2)
  head.writeUInt16BE(1, 4)
  head.writeUInt16BE(records?.length ?? 0, 6)
  head.writeUInt32BE(0, 8)
  const answers = (records ?? []).map((text) => {
    // A TXT record is one or more strings of at most 255 bytes each.
    const strings: Buffer[] = []
    for (let i = 0; i < text.length || i === 0; i += 255) {
      const part = Buffer.from(text.slice(i, i + 255), 'latin1')
      strings.push(Buffer.from([part.length]), part)
    }
    const data = Buffer.concat(strings)
    const rr = Buffer.alloc(12)
    rr.writeUInt16BE(0xc00c, 0) // the question's name
    rr.writeUInt16BE(16, 2) // TXT
    rr.writeUInt16BE(1, 4) // IN
    rr.writeUInt32BE(60, 6)
    rr.writeUInt16BE(data.length, 10)
    return Buffer.concat([rr, data])
  })
  return Buffer.concat([head, query.subarray(12, end), ...answers])
}

/**
 * Starts the server. `keyFileText`: key file lines ("NAME TXT-VALUE"); `held`: names never
 * answered; `refused`: names answered REFUSED (as a server without forwarding answers).
 */
export async function startHeldDns(
  keyFileText: string,
  held: (name: string) => boolean,
  refused: (name: string) => boolean = () => false,
): Promise<HeldDns> {
  const records = new Map<string, string>()
  for (const line of keyFileText.split('\n')) {
    const space = line.indexOf(' ')
    if (space > 0) records.set(line.slice(0, space).toLowerCase(), line.slice(space + 1).trim())
  }
  const asked: string[] = []
  const socket = createSocket('udp4')
  socket.on('message', (query: Buffer, from: RemoteInfo) => {
    if (query.length < 17) return
    const { name } = questionName(query)
    asked.push(name)
    if (held(name)) return
    const record = records.get(name)
    socket.send(answer(query, record === undefined ? null : [record], refused(name)), from.port, from.address)
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return {
    server: `127.0.0.1:${socket.address().port}`,
    asked,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  }
}
