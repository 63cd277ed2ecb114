// The DNS stub's wire format, on hand-made messages (pure logic; the lab test asks real unbound).
import { describe, expect, it } from 'vitest'
import { buildQuery, DNS_TYPE, mxExchanges, parseResponse, parseServer, readName } from './dane-dns.js'

function response(id: number, flags: number, answers: Buffer[]): Buffer {
  const header = Buffer.alloc(12)
  header.writeUInt16BE(id, 0)
  header.writeUInt16BE(flags, 2)
  header.writeUInt16BE(1, 4)
  header.writeUInt16BE(answers.length, 6)
  // Question: example.test MX IN, at offset 12 (answers point back to it).
  const question = Buffer.from([7, ...Buffer.from('example'), 4, ...Buffer.from('test'), 0, 0, 15, 0, 1])
  return Buffer.concat([header, question, ...answers])
}

function mxRecord(preference: number, exchangeWire: Buffer): Buffer {
  const rdata = Buffer.concat([Buffer.from([preference >> 8, preference & 0xff]), exchangeWire])
  const fixed = Buffer.alloc(10)
  fixed.writeUInt16BE(DNS_TYPE.MX, 0)
  fixed.writeUInt16BE(1, 2)
  fixed.writeUInt32BE(300, 4)
  fixed.writeUInt16BE(rdata.length, 8)
  return Buffer.concat([Buffer.from([0xc0, 12]), fixed, rdata])
}

describe('buildQuery', () => {
  it('asks with RD, AD and an EDNS0 OPT record with DO', () => {
    const q = buildQuery(0x1234, '_25._tcp.mx.example.test', DNS_TYPE.TLSA)
    expect(q.readUInt16BE(0)).toBe(0x1234)
    expect(q.readUInt16BE(2)).toBe(0x0120)
    expect(q.readUInt16BE(10)).toBe(1)
    expect(q.subarray(-11).toString('hex')).toBe('00' + '0029' + '1000' + '00008000' + '0000') // root, OPT, 4096, DO, no data
    expect(readName(q, 12).name).toBe('_25._tcp.mx.example.test')
  })

  it('refuses names DNS cannot carry', () => {
    expect(() => buildQuery(1, `${'a'.repeat(64)}.test`, 1)).toThrow(/63 bytes/)
    expect(() => buildQuery(1, Array(60).fill('abcd').join('.'), 1)).toThrow(/255 bytes/)
  })
})

describe('parseResponse', () => {
  it('reads the AD bit, the rcode and MX exchanges through name pointers', () => {
    const mx = mxRecord(10, Buffer.from([2, ...Buffer.from('mx'), 0xc0, 12]))
    const answer = parseResponse(response(7, 0x81a0, [mx]), 7, DNS_TYPE.MX)
    expect(answer.ad).toBe(true)
    expect(answer.rcode).toBe(0)
    expect(mxExchanges(answer)).toEqual([{ priority: 10, exchange: 'mx.example.test' }])
    expect(parseResponse(response(7, 0x8180, [mx]), 7, DNS_TYPE.MX).ad).toBe(false)
    expect(parseResponse(response(7, 0x8183, []), 7, DNS_TYPE.MX).rcode).toBe(3)
  })

  it('refuses another id, a query, truncated data and pointer loops', () => {
    const mx = mxRecord(10, Buffer.from([0xc0, 12]))
    expect(() => parseResponse(response(7, 0x81a0, [mx]), 8, DNS_TYPE.MX)).toThrow(/id mismatch/)
    expect(() => parseResponse(response(7, 0x0100, [mx]), 7, DNS_TYPE.MX)).toThrow(/not a response/)
    const whole = response(7, 0x81a0, [mx])
    expect(() => parseResponse(whole.subarray(0, whole.length - 1), 7, DNS_TYPE.MX)).toThrow(/truncated/)
    const loop = Buffer.from([0xc0, 0])
    expect(() => readName(loop, 0)).toThrow(/loop/)
  })
})

describe('parseServer', () => {
  it('takes IP, IP:PORT and [IPv6]:PORT and nothing else', () => {
    expect(parseServer('127.0.10.55:10053')).toEqual({ host: '127.0.10.55', port: 10053 })
    expect(parseServer('127.0.0.1')).toEqual({ host: '127.0.0.1', port: 53 })
    expect(parseServer('[::1]:5353')).toEqual({ host: '::1', port: 5353 })
    expect(parseServer('::1')).toEqual({ host: '::1', port: 53 })
    expect(() => parseServer('dns.example:53')).toThrow(/not a DNS server/)
    expect(() => parseServer('127.0.0.1:70000')).toThrow(/not a DNS server/)
  })
})

describe('parseResponse: CNAME chains', () => {
  function rr(type: number, owner: Buffer, rdata: Buffer): Buffer {
    const fixed = Buffer.alloc(10)
    fixed.writeUInt16BE(type, 0)
    fixed.writeUInt16BE(1, 2)
    fixed.writeUInt32BE(300, 4)
    fixed.writeUInt16BE(rdata.length, 8)
    return Buffer.concat([owner, fixed, rdata])
  }
  const question = Buffer.from([0xc0, 12]) // example.test
  const wire = (label: string) => Buffer.from([label.length, ...Buffer.from(label), 0xc0, 12])

  it('gives the end of the chain as the canonical name (here example.test -> a -> b)', () => {
    const first = rr(DNS_TYPE.CNAME, question, wire('a')) // a.example.test, first at offset 12+18
    const aOwner = Buffer.from([0xc0, 12 + 18 + 12]) // the rdata of the first record
    const second = rr(DNS_TYPE.CNAME, aOwner, wire('b'))
    const answer = parseResponse(response(7, 0x81a0, [first, second]), 7, DNS_TYPE.MX)
    expect(answer.canonical).toBe('b.example.test')
    expect(answer.records).toEqual([])
  })

  it('gives no canonical name when the name is no alias, and refuses a loop', () => {
    expect(parseResponse(response(7, 0x81a0, []), 7, DNS_TYPE.MX).canonical).toBeUndefined()
    const loop = rr(DNS_TYPE.CNAME, question, Buffer.from([0xc0, 12]))
    expect(() => parseResponse(response(7, 0x81a0, [loop]), 7, DNS_TYPE.MX)).toThrow(/CNAME loop/)
  })
})
