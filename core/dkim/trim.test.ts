// The FWS trims that replaced end-anchored regular expressions (quadratic on long WSP runs): the
// same result as the expressions on random text, and a signature with a huge inner WSP run parses.
import { describe, expect, it } from 'vitest'
import { parseHeaderFields } from './message.js'
import { parseTagList, trimFws } from './tag-list.js'

describe('FWS trims', () => {
  it('trim like the regular expressions they replaced', () => {
    const alphabet = [' ', '\t', '\r', '\n', 'a', 'b=c', ';', '\r\n ']
    let seed = 9
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed
    }
    for (let round = 0; round < 5000; round++) {
      let text = ''
      const tokens = random() % 12
      for (let i = 0; i < tokens; i++) text += alphabet[random() % alphabet.length]
      expect(trimFws(text), JSON.stringify(text)).toBe(text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''))
      // A field name with that text (line breaks dropped) after it: the key is the name up to the WSP.
      const wsp = text.replace(/[^ \t]/g, '')
      const field = parseHeaderFields(`Name${wsp}: v\r\n`).fields[0]
      expect([field?.key, field?.spaceBeforeColon]).toEqual(['name', wsp.length > 0])
    }
  })

  it('parses a tag list whose value holds a long inner WSP run and a name with WSP before the colon', () => {
    const run = ' \t'.repeat(50_000)
    const parsed = parseTagList(`v=1; x=a${run}b ; y= c `)
    expect(parsed.ok && parsed.tags.get('x')?.value).toBe(`a${run}b`)
    expect(parsed.ok && parsed.tags.get('y')?.value).toBe('c')
    const fields = parseHeaderFields(`From${run}: a@b.example\r\nX${run}y\r\n`).fields
    expect(fields.map((f) => [f.key, f.spaceBeforeColon])).toEqual([
      ['from', true],
      [null, false],
    ])
  })
})
