// Canonicalization at every edge (RFC 6376 3.4), checked against a plain string reference
// implementation on hand-picked and random bodies, whole and in chunks of every small size.
import { describe, expect, it } from 'vitest'
import { canonicalBody, hashBody } from './canon-body.js'
import { canonicalizeField, selectHeaders } from './canon-header.js'
import { LineEndingRepair, parseHeaderFields, repairLineEndings } from './message.js'

const bytes = (text: string) => Buffer.from(text, 'latin1')
const text = (buf: Buffer) => buf.toString('latin1')

/** RFC 6376 3.4.3 / 3.4.4 written as directly as possible (a bare CR is an ordinary byte). */
function reference(body: string, canon: 'simple' | 'relaxed'): string {
  const endsWithCrlf = body.endsWith('\r\n')
  const lines = body.split('\r\n')
  if (endsWithCrlf) lines.pop()
  let out = canon === 'relaxed' ? lines.map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, '')) : lines
  while (out.length > 0 && out[out.length - 1] === '') out = out.slice(0, -1)
  if (out.length === 0) return canon === 'simple' ? '\r\n' : ''
  return `${out.join('\r\n')}\r\n`
}

describe('body canonicalization', () => {
  it('gives the RFC 6376 3.4.5 example', () => {
    const body = bytes(' C \r\nD \t E\r\n\r\n\r\n')
    expect(text(canonicalBody(body, 'relaxed'))).toBe(' C\r\nD E\r\n')
    expect(text(canonicalBody(body, 'simple'))).toBe(' C \r\nD \t E\r\n')
  })

  it('treats an empty body as CRLF (simple) and as nothing (relaxed)', () => {
    expect(text(canonicalBody(bytes(''), 'simple'))).toBe('\r\n')
    expect(text(canonicalBody(bytes(''), 'relaxed'))).toBe('')
    expect(text(canonicalBody(bytes('\r\n\r\n'), 'simple'))).toBe('\r\n')
    expect(text(canonicalBody(bytes('\r\n\r\n'), 'relaxed'))).toBe('')
    // The well-known hashes of those two canonical bodies.
    expect(hashBody(bytes(''), 'simple', 'sha256').digest.toString('base64')).toBe(
      'frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=',
    )
    expect(hashBody(bytes(''), 'relaxed', 'sha256').digest.toString('base64')).toBe(
      '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
    )
  })

  it('drops whitespace-only trailing lines under relaxed, keeps them under simple', () => {
    expect(text(canonicalBody(bytes('abc\r\n  \r\n\t\r\n'), 'relaxed'))).toBe('abc\r\n')
    expect(text(canonicalBody(bytes('abc\r\n  \r\n\t\r\n'), 'simple'))).toBe('abc\r\n  \r\n\t\r\n')
    expect(text(canonicalBody(bytes(' \r\n'), 'relaxed'))).toBe('')
  })

  it('adds the missing final CRLF, and strips trailing WSP of such a last line (relaxed)', () => {
    expect(text(canonicalBody(bytes('abc'), 'simple'))).toBe('abc\r\n')
    expect(text(canonicalBody(bytes('abc  \t'), 'relaxed'))).toBe('abc\r\n')
    expect(text(canonicalBody(bytes('abc  \t'), 'simple'))).toBe('abc  \t\r\n')
  })

  it('keeps a bare CR as an ordinary byte', () => {
    expect(text(canonicalBody(bytes('a\rb\r\n\r'), 'simple'))).toBe('a\rb\r\n\r\r\n')
    expect(text(canonicalBody(bytes('a \r b\r\n'), 'relaxed'))).toBe('a \r b\r\n')
    expect(text(canonicalBody(bytes('a\r\r\n'), 'relaxed'))).toBe('a\r\r\n')
  })

  it('keeps empty lines inside the body and leading WSP (as one SP) under relaxed', () => {
    expect(text(canonicalBody(bytes('a\r\n\r\n\r\n\tb\r\n'), 'relaxed'))).toBe('a\r\n\r\n\r\n b\r\n')
  })

  it('agrees with the reference on random bodies, whole and in chunks of 1 to 9 and 64 bytes', () => {
    const alphabet = ['a', 'b', ' ', '\t', '\r', '\n', '\r\n', '\r\n', 'xyz']
    let seed = 7
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed
    }
    for (let round = 0; round < 300; round++) {
      let body = ''
      const length = random() % (round % 3 === 0 ? 400 : 40)
      for (let i = 0; i < length; i++) body += alphabet[random() % alphabet.length]
      // The verifier repairs bare LF first; the reference is defined on CRLF text.
      const crlf = text(repairLineEndings(bytes(body)).bytes)
      for (const canon of ['simple', 'relaxed'] as const) {
        const expected = reference(crlf, canon)
        for (const chunk of [1, 2, 3, 4, 5, 6, 7, 8, 9, 64, crlf.length || 1])
          expect(
            text(canonicalBody(bytes(crlf), canon, chunk)),
            `${canon} ${JSON.stringify(crlf)} /${chunk}`,
          ).toBe(expected)
      }
    }
  })

  it('cuts each hash at its own l= while counting the whole canonical body', () => {
    const body = bytes('first line\r\nsecond line\r\n')
    const whole = hashBody(body, 'simple', 'sha256')
    const cut = hashBody(body, 'simple', 'sha256', 12)
    expect(whole.total).toBe(25)
    expect(cut.total).toBe(25)
    expect(cut.digest.equals(hashBody(bytes('first line\r\n'), 'simple', 'sha256').digest)).toBe(true)
  })
})

describe('line endings', () => {
  it('turns bare LF into CRLF across chunk boundaries and counts both kinds', () => {
    const repair = new LineEndingRepair()
    const parts = ['a\r', '\nb\n', '\nc\r\n'].map((p) =>
      Buffer.from(repair.write(bytes(p))).toString('latin1'),
    )
    expect(parts.join('')).toBe('a\r\nb\r\n\r\nc\r\n')
    expect(repair.counts).toEqual({ crlf: 2, bareLf: 2 })
  })
})

describe('header canonicalization', () => {
  const block = parseHeaderFields('A: X\r\nB : Y\t\r\n\tZ  \r\n')

  it('gives the RFC 6376 3.4.5 example', () => {
    const [a, b] = block.fields
    expect(a && canonicalizeField('relaxed', a)).toBe('a:X\r\n')
    expect(b && canonicalizeField('relaxed', b)).toBe('b:Y Z\r\n')
    expect(b && canonicalizeField('simple', b)).toBe('B : Y\t\r\n\tZ  \r\n')
  })

  it('selects instances bottom-up and selects nothing for an oversigned name', () => {
    const fields = parseHeaderFields('Subject: one\r\nTo: t\r\nSubject: two\r\n').fields
    const chosen = selectHeaders(fields, ['subject', 'subject', 'subject', 'to'], null)
    expect(chosen.map((f) => f?.value.trim() ?? null)).toEqual(['two', 'one', null, 't'])
  })

  it('reads the disguised forms of From', () => {
    const parsed = parseHeaderFields(
      'From : a@evil.example\r\nX-A: 1\r\n From: b@evil.example\r\nFrom: c@good.example\r\n',
    )
    expect(parsed.fields.map((f) => f.key)).toEqual(['from', 'x-a', 'from'])
    expect(parsed.fields[0]?.spaceBeforeColon).toBe(true)
    expect(parsed.lookalikes).toEqual([{ key: 'from', field: 1 }])
  })
})
