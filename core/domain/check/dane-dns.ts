// A minimal DNS stub for DANE: one question to one server with the DNSSEC OK bit, returning the
// header's AD bit (RFC 4035 3.2.3) and the answer RRs of the asked type. Node's dns module never
// shows the AD bit and no DNS wire library is in node_modules, so this is written here, small and
// bounded: UDP first (4096-byte EDNS buffer), TCP when the answer is truncated (64 KiB cap, the
// wire format's own limit), a deadline over both, and a cap on records and name-pointer jumps.

import { randomInt } from 'node:crypto'
import dgram from 'node:dgram'
import net from 'node:net'

export const DNS_TYPE = { A: 1, CNAME: 5, MX: 15, AAAA: 28, TLSA: 52 } as const
export const DNS_RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const

const UDP_PAYLOAD = 4096
const MAX_RECORDS = 64
const MAX_POINTER_JUMPS = 32

export interface DnsAnswer {
  rcode: number
  /** Authenticated Data: the resolver validated every record of the answer with DNSSEC. */
  ad: boolean
  /** RDATA of the answer records of the asked type (after any CNAME the resolver followed). */
  records: Buffer[]
  /** The whole message, for names inside RDATA (MX) that point back into it. */
  message: Buffer
  /** Offsets of each record's RDATA in `message`, same order as `records`. */
  offsets: number[]
  /** The name at the end of the CNAME chain in the answer (lower case), when the question's name is an alias. */
  canonical?: string
}

export class DnsQueryError extends Error {
  override name = 'DnsQueryError'
}

/** "IP" or "IP:PORT" or "[IPv6]:PORT" into host and port (53 by default). */
export function parseServer(server: string): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(server)
  const [host, port] = v6
    ? [v6[1] ?? '', v6[2]]
    : net.isIPv6(server)
      ? [server, undefined]
      : server.split(':')
  const portNumber = port === undefined ? 53 : Number(port)
  if (!host || !net.isIP(host) || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535)
    throw new DnsQueryError(`not a DNS server address "IP[:PORT]": ${server.slice(0, 80)}`)
  return { host, port: portNumber }
}

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean)
  const parts = labels.map((label) => {
    const bytes = Buffer.from(label, 'ascii')
    if (bytes.length > 63) throw new DnsQueryError(`DNS label longer than 63 bytes in ${name.slice(0, 80)}`)
    return Buffer.concat([Buffer.from([bytes.length]), bytes])
  })
  const wire = Buffer.concat([...parts, Buffer.from([0])])
  if (wire.length > 255) throw new DnsQueryError(`DNS name longer than 255 bytes: ${name.slice(0, 80)}`)
  return wire
}

/** Query with RD and AD set, and an EDNS0 OPT record with DO (RFC 3225, RFC 6840 5.7). */
export function buildQuery(id: number, name: string, type: number): Buffer {
  const header = Buffer.alloc(12)
  header.writeUInt16BE(id, 0)
  header.writeUInt16BE(0x0120, 2) // RD | AD
  header.writeUInt16BE(1, 4) // QDCOUNT
  header.writeUInt16BE(1, 10) // ARCOUNT (OPT)
  const question = Buffer.alloc(4)
  question.writeUInt16BE(type, 0)
  question.writeUInt16BE(1, 2) // IN
  const opt = Buffer.alloc(11)
  opt.writeUInt16BE(41, 1) // root name (0), type OPT
  opt.writeUInt16BE(UDP_PAYLOAD, 3)
  opt.writeUInt32BE(0x00008000, 5) // extended rcode 0, version 0, DO
  return Buffer.concat([header, encodeName(name), question, opt])
}

/** Reads a (possibly compressed) name at `offset`; returns it and where the name ends. */
export function readName(message: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = []
  let pos = offset
  let end = -1
  for (let jumps = 0; jumps <= MAX_POINTER_JUMPS; ) {
    const len = message[pos]
    if (len === undefined) throw new DnsQueryError('DNS answer truncated inside a name')
    if (len === 0) return { name: labels.join('.'), end: end === -1 ? pos + 1 : end }
    if ((len & 0xc0) === 0xc0) {
      const next = message[pos + 1]
      if (next === undefined) throw new DnsQueryError('DNS answer truncated inside a name pointer')
      if (end === -1) end = pos + 2
      pos = ((len & 0x3f) << 8) | next
      jumps++
      continue
    }
    if (len > 63) throw new DnsQueryError('DNS answer has an invalid label length')
    labels.push(message.subarray(pos + 1, pos + 1 + len).toString('latin1'))
    pos += 1 + len
  }
  throw new DnsQueryError('DNS answer has a name-pointer loop')
}

/** Parses a response to our query `id`: header flags, then the answer records of `type`. */
export function parseResponse(message: Buffer, id: number, type: number): DnsAnswer & { truncated: boolean } {
  if (message.length < 12) throw new DnsQueryError('DNS answer shorter than a header')
  if (message.readUInt16BE(0) !== id) throw new DnsQueryError('DNS answer for another query (id mismatch)')
  const flags = message.readUInt16BE(2)
  if ((flags & 0x8000) === 0) throw new DnsQueryError('DNS message is not a response')
  const qdcount = message.readUInt16BE(4)
  const ancount = message.readUInt16BE(6)
  if (ancount > MAX_RECORDS)
    throw new DnsQueryError(`DNS answer has ${ancount} records (at most ${MAX_RECORDS})`)
  let pos = 12
  let question = ''
  for (let i = 0; i < qdcount; i++) {
    const q = readName(message, pos)
    if (i === 0) question = q.name.toLowerCase()
    pos = q.end + 4
  }
  const records: Buffer[] = []
  const offsets: number[] = []
  const aliases = new Map<string, string>()
  for (let i = 0; i < ancount; i++) {
    const owner = readName(message, pos)
    pos = owner.end
    if (pos + 10 > message.length) throw new DnsQueryError('DNS answer truncated inside a record')
    const rrType = message.readUInt16BE(pos)
    const rdlength = message.readUInt16BE(pos + 8)
    const start = pos + 10
    if (start + rdlength > message.length) throw new DnsQueryError('DNS answer truncated inside record data')
    if (rrType === type) {
      records.push(message.subarray(start, start + rdlength))
      offsets.push(start)
    } else if (rrType === DNS_TYPE.CNAME)
      aliases.set(owner.name.toLowerCase(), readName(message, start).name.toLowerCase())
    pos = start + rdlength
  }
  const canonical = followAliases(question, aliases)
  return {
    ...(canonical === question ? {} : { canonical }),
    rcode: flags & 0x000f,
    ad: (flags & 0x0020) !== 0,
    truncated: (flags & 0x0200) !== 0,
    records,
    message,
    offsets,
  }
}

function overUdp(host: string, port: number, query: Buffer, deadline: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4')
    const timer = setTimeout(
      () => finish(new DnsQueryError(`no DNS answer from ${host}:${port} in time`)),
      Math.max(1, deadline - Date.now()),
    )
    function finish(result: Buffer | Error) {
      clearTimeout(timer)
      socket.close()
      if (result instanceof Error) reject(result)
      else resolve(result)
    }
    socket.on('error', (error) =>
      finish(new DnsQueryError(`DNS query to ${host}:${port} failed: ${error.message}`)),
    )
    // Only the server we asked may answer (a spoofed source is ignored, not believed).
    socket.on('message', (msg, from) => {
      if (from.address === host && from.port === port) finish(msg)
    })
    socket.send(query, port, host)
  })
}

function overTcp(host: string, port: number, query: Buffer, deadline: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    const chunks: Buffer[] = []
    let size = 0
    const timer = setTimeout(
      () => finish(new DnsQueryError(`no DNS answer over TCP from ${host}:${port} in time`)),
      Math.max(1, deadline - Date.now()),
    )
    function finish(result: Buffer | Error) {
      clearTimeout(timer)
      socket.destroy()
      if (result instanceof Error) reject(result)
      else resolve(result)
    }
    socket.on('error', (error) =>
      finish(new DnsQueryError(`DNS query over TCP to ${host}:${port} failed: ${error.message}`)),
    )
    socket.on('connect', () => {
      const length = Buffer.alloc(2)
      length.writeUInt16BE(query.length)
      socket.write(Buffer.concat([length, query]))
    })
    // The 2-byte length prefix caps a message at 65535 bytes: that is the size bound.
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      size += chunk.length
      const all = Buffer.concat(chunks, size)
      if (all.length >= 2 && all.length >= 2 + all.readUInt16BE(0))
        finish(all.subarray(2, 2 + all.readUInt16BE(0)))
    })
    socket.on('end', () => finish(new DnsQueryError(`${host}:${port} closed the TCP DNS connection early`)))
  })
}

/** One DNSSEC-OK question to `server` ("IP[:PORT]"), within `timeoutMs` in total. */
export async function queryDnssec(
  server: string,
  name: string,
  type: number,
  timeoutMs: number,
): Promise<DnsAnswer> {
  const { host, port } = parseServer(server)
  const id = randomInt(0, 0x10000)
  const query = buildQuery(id, name, type)
  const deadline = Date.now() + timeoutMs
  const udp = parseResponse(await overUdp(host, port, query, deadline), id, type)
  if (!udp.truncated) return udp
  return parseResponse(await overTcp(host, port, query, deadline), id, type)
}

/** The end of the CNAME chain from `name` (at most MAX_RECORDS steps, so a loop ends). */
function followAliases(name: string, aliases: ReadonlyMap<string, string>): string {
  let current = name
  for (let i = 0; i < MAX_RECORDS; i++) {
    const next = aliases.get(current)
    if (next === undefined) return current
    current = next
  }
  throw new DnsQueryError(`DNS answer has a CNAME loop from ${name.slice(0, 80)}`)
}

/** The exchange names of MX RDATA (preference, then a name that may point into the message). */
export function mxExchanges(answer: DnsAnswer): { exchange: string; priority: number }[] {
  return answer.records.map((rdata, i) => ({
    priority: rdata.readUInt16BE(0),
    exchange: readName(answer.message, (answer.offsets[i] ?? 0) + 2).name,
  }))
}

/** IPv4 addresses of A RDATA. */
export function ipv4Addresses(answer: DnsAnswer): string[] {
  return answer.records.filter((r) => r.length === 4).map((r) => [...r].join('.'))
}
