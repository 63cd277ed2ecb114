// The relaxed body kernel (relaxed-body.wat, 16 bytes at a time) and the JavaScript loop it stands
// in for, against the plain string reference, at the edges the fast path adds: 16-byte blocks,
// the byte after a block, chunk and 256 KiB slice boundaries inside a CRLF or a WSP run, whitespace-
// only lines, empty lines held across chunks, a bare CR next to each of them. Also the relaxed
// header fast path (a value with no fold, HTAB or SP run) against the three-step reference.
import { describe, expect, it } from 'vitest'
import { type BodyCanonicalizer, bodyCanonicalizer, relaxedLoopCanonicalizer } from './canon-body.js'
import { canonicalizeField } from './canon-header.js'
import { repairLineEndings } from './message.js'
import { relaxedKernel, SLICE_BYTES } from './relaxed-wasm.js'

const bytes = (text: string) => Buffer.from(text, 'latin1')

/** RFC 6376 3.4.4 written as directly as possible (as in canon.test.ts; a bare CR is content). */
function reference(body: string): string {
  const endsWithCrlf = body.endsWith('\r\n')
  const lines = body.split('\r\n')
  if (endsWithCrlf) lines.pop()
  let out = lines.map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''))
  while (out.length > 0 && out[out.length - 1] === '') out = out.slice(0, -1)
  if (out.length === 0) return ''
  return `${out.join('\r\n')}\r\n`
}

type Make = () => BodyCanonicalizer
const implementations: [string, Make][] = [
  ['kernel', () => bodyCanonicalizer('relaxed')],
  ['loop', relaxedLoopCanonicalizer],
]

/** Everything the canonicalizer emits, written in chunks of `chunk` bytes. */
function run(make: Make, body: Uint8Array, chunk: number): string {
  const c = make()
  const parts: Buffer[] = []
  const push = c.sink.push.bind(c.sink)
  c.sink.push = (out, start, end) => {
    parts.push(Buffer.from(out.subarray(start, end)))
    push(out, start, end)
  }
  for (let i = 0; i < body.length; i += chunk) c.write(body.subarray(i, i + chunk))
  c.end()
  return Buffer.concat(parts).toString('latin1')
}

function expectAll(body: string, chunks: number[]): void {
  const expected = reference(body)
  for (const [name, make] of implementations)
    for (const chunk of chunks)
      expect(run(make, bytes(body), chunk), `${name} /${chunk} ${JSON.stringify(body.slice(0, 80))}`).toBe(
        expected,
      )
}

const SMALL_CHUNKS = [1, 2, 3, 5, 15, 16, 17, 18, 31, 33, 64, 1 << 30]

describe('relaxed body kernel', () => {
  it('is available here (Node has WebAssembly SIMD), so the tests below check it', () => {
    expect(relaxedKernel()).not.toBeNull()
  })

  it('handles a change at every position of a 16-byte block and just after it', () => {
    const clean = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH'
    for (const change of ['  ', ' \t', '\t', ' \r\n', '\r', ' \r', '\r\r\n'])
      for (let at = 0; at < 36; at++) {
        const line = clean.slice(0, at) + change + clean.slice(at)
        expectAll(`${line}\r\n${clean}\r\n`, [1, 16, 17, 1 << 30])
      }
  })

  it('treats a single SP before content as content and before a CRLF as trailing', () => {
    expectAll(`${'word '.repeat(20)}\r\n${'a b '.repeat(10)}x\r\n`, SMALL_CHUNKS)
  })

  it('turns long whitespace-only lines into empty lines, dropped at the end and kept inside', () => {
    const ws = ' \t'.repeat(20)
    expectAll(`${'x'.repeat(40)}\r\n${ws}\r\n${ws}\r\n${'y'.repeat(40)}\r\n${ws}\r\n${ws}`, SMALL_CHUNKS)
    expectAll(`${ws}\r\n${ws}\r\n`, SMALL_CHUNKS)
    expectAll(`${ws}${'z'.repeat(30)}${ws}\r\n`, SMALL_CHUNKS)
  })

  it('emits empty lines held across chunks once content follows, a bare CR included', () => {
    const long = 'l'.repeat(40)
    for (const next of [long, '\r', `\r${long}`, ` ${long}`, `\t\r\n${long}`])
      expectAll(`${long}\r\n\r\n\r\n\r\n${next}\r\n`, [1, 2, 3, 4, 17, 1 << 30])
    // More held empty lines than one block of CRLFs emits at once.
    expectAll(`${long}\r\n${'\r\n'.repeat(10_000)}${long}\r\n`, [7, 4096, 1 << 30])
    expectAll(`${long}\r\n${'\r\n'.repeat(10_000)}`, [7, 1 << 30])
  })

  it('keeps a bare CR, and a CR at the very end, as content', () => {
    expectAll(`${'a'.repeat(20)}\r${'b'.repeat(20)}\r\n${'c'.repeat(20)}  \r`, SMALL_CHUNKS)
    expectAll(`${'a'.repeat(20)}\r\n\r\n \r`, SMALL_CHUNKS)
    expectAll(`${'a'.repeat(20)}\r\r\r\n`, SMALL_CHUNKS)
  })

  it('carries its state across 256 KiB slice boundaries inside a CRLF, a WSP run and held lines', () => {
    for (const at of [-3, -2, -1, 0, 1]) {
      const lead = 'q'.repeat(SLICE_BYTES + at)
      for (const tail of ['\r\nnext\r\n', '  \t \r\nnext\r\n', '\r\n\r\n\r\nnext  x\r\n', '\rbare\r\n'])
        expectAll(`${lead}${tail}`, [SLICE_BYTES * 3, 100_000])
    }
  })

  it('agrees with the reference on random mail-like bodies, whole and in chunks', () => {
    const alphabet = ['word', 'x', ' ', ' ', '  ', '\t', '\r', '\n', '\r\n', '\r\n', 'lorem ipsum dolor']
    let seed = 11
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed
    }
    for (let round = 0; round < 80; round++) {
      let body = ''
      const tokens = random() % (round % 5 === 0 ? 2000 : 120)
      for (let i = 0; i < tokens; i++) body += alphabet[random() % alphabet.length]
      // The verifier repairs bare LF first; the reference is defined on CRLF text.
      expectAll(repairLineEndings(bytes(body)).bytes.toString('latin1'), [1, 3, 16, 17, 29, 64, 1 << 30])
    }
  })
})

describe('relaxed header fast path', () => {
  /** RFC 6376 3.4.2 on the value, as directly as possible. */
  const referenceValue = (v: string) =>
    v
      .replace(/\r\n/g, '')
      .replace(/[ \t]+/g, ' ')
      .replace(/^ | $/g, '')

  it('gives the same field as the three-step reference, on values with and without folds and runs', () => {
    const alphabet = ['a', ' ', ' ', '\t', '\r\n ', '\r\n\t', 'bc', '\r', '  ', '\r\n']
    let seed = 5
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed
    }
    for (const value of ['', ' ', '  ', ' a', 'a ', ' a b c ', ' A 0 message']) {
      expect(canonicalizeField('relaxed', { key: 'x', raw: '', value })).toBe(
        `x:${referenceValue(value)}\r\n`,
      )
    }
    for (let round = 0; round < 5000; round++) {
      let value = ''
      const tokens = random() % 10
      for (let i = 0; i < tokens; i++) value += alphabet[random() % alphabet.length]
      expect(canonicalizeField('relaxed', { key: 'x', raw: '', value }), JSON.stringify(value)).toBe(
        `x:${referenceValue(value)}\r\n`,
      )
    }
  })
})
