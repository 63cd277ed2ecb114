import { describe, expect, it } from 'vitest'
import { redact } from './redact.js'

describe('redact', () => {
  it.each([
    ['a1 LOGIN alice hunter2', 'a1 LOGIN alice [redacted]'],
    ['a1 LOGIN "alice smith" "hunter2 with spaces"', 'a1 LOGIN "alice smith" [redacted]'],
    ['a1 LOGIN alice "hunter2 \\"quoted\\" hunter2" rest', 'a1 LOGIN alice [redacted] rest'],
    ['AUTH PLAIN AGFsaWNlAGh1bnRlcjI=', 'AUTH PLAIN [redacted]'],
    ['a2 AUTHENTICATE PLAIN AGFsaWNlAGh1bnRlcjI=', 'a2 AUTHENTICATE PLAIN [redacted]'],
    ['PASS hunter2', 'PASS [redacted]'],
    ['password=hunter2 user=alice', 'password=[redacted] user=alice'],
    ['token: "abc def"', 'token: [redacted]'],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output)
    expect(redact(input)).not.toMatch(/hunter2|AGFsaWNl/)
  })

  it('leaves ordinary lines alone', () => {
    expect(redact('Connected to 127.0.0.10:993 with TLSv1.3')).toBe(
      'Connected to 127.0.0.10:993 with TLSv1.3',
    )
  })
})
