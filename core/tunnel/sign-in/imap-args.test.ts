// The IMAP LOGIN argument parser of the sign-in gate: atoms, quoted strings, literals.
import { describe, expect, it } from 'vitest'
import { imapArguments, literalMarker } from './imap-args.js'

const lit = (s: string) => Buffer.from(s, 'utf8')

describe('imapArguments', () => {
  it('atoms and quoted strings with escapes', () => {
    expect(imapArguments(['a1 LOGIN alice@lab.test secret'], [])).toEqual([
      'a1',
      'LOGIN',
      'alice@lab.test',
      'secret',
    ])
    expect(imapArguments(['a1 LOGIN "alice" "pa ss \\"q\\" \\\\ x"'], [])).toEqual([
      'a1',
      'LOGIN',
      'alice',
      'pa ss "q" \\ x',
    ])
    expect(imapArguments(['a1 LOGIN "" ""'], [])).toEqual(['a1', 'LOGIN', '', ''])
  })

  it('literals, one or two, the line going on after each', () => {
    expect(imapArguments(['a1 LOGIN {5}', ' {8}', ''], [lit('alice'), lit('pa"ss\r\nx')])).toEqual([
      'a1',
      'LOGIN',
      'alice',
      'pa"ss\r\nx',
    ])
    expect(imapArguments(['a1 LOGIN alice {5+}', ''], [lit('sécr')])).toEqual([
      'a1',
      'LOGIN',
      'alice',
      'sécr',
    ])
    expect(imapArguments(['a1 LOGIN {5}', ' "pw"'], [lit('alice')])).toEqual(['a1', 'LOGIN', 'alice', 'pw'])
  })

  it('malformed: unterminated or glued quoted strings, a literal glued to a word, bad escapes', () => {
    expect(imapArguments(['a1 LOGIN "alice pw'], [])).toBeNull()
    expect(imapArguments(['a1 LOGIN "alice"pw'], [])).toBeNull()
    expect(imapArguments(['a1 LOGIN al"ice pw'], [])).toBeNull()
    expect(imapArguments(['a1 LOGIN "a\\b" pw'], [])).toBeNull()
    expect(imapArguments(['a1 LOGIN alice{2}', ''], [lit('pw')])).toBeNull()
    expect(imapArguments(['a1 LOGIN {5}', 'x'], [lit('alice')])).toBeNull()
    expect(imapArguments(['a1 LOGIN {5}'], [lit('alice')])).toBeNull()
  })

  it('literalMarker reads {n} and {n+} at the end of a line only', () => {
    expect(literalMarker('a1 LOGIN {5}')).toEqual({ length: 5, plus: false })
    expect(literalMarker('a1 LOGIN alice {12+}')).toEqual({ length: 12, plus: true })
    expect(literalMarker(' {3}')).toEqual({ length: 3, plus: false })
    expect(literalMarker('a1 LOGIN "{5}"')).toBeNull()
    expect(literalMarker('a1 LOGIN x{5}')).toBeNull()
  })
})
