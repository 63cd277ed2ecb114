import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIRST_READ_BYTES, WHOLE_READ_MAX_BYTES } from './limits.js'
import { readItemWhole } from './sources.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-sources-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Bytes that differ at every position, so that a piece read twice or left out shows. */
function pattern(size: number): Buffer {
  const b = Buffer.alloc(size)
  for (let i = 0; i < size; i++) b[i] = (i * 31 + (i >> 8)) & 0xff
  return b
}

describe('readItemWhole (a message read at once by a verifier thread)', () => {
  // Around the first read (kept per thread) and the whole-read limit, where the paths change.
  const sizes = [
    0,
    1,
    1500,
    FIRST_READ_BYTES - 1,
    FIRST_READ_BYTES,
    FIRST_READ_BYTES + 1,
    300_000,
    WHOLE_READ_MAX_BYTES,
  ]
  for (const size of sizes)
    it(`gives a file of ${size} bytes exactly`, async () => {
      const file = path.join(dir, `m-${size}.eml`)
      await writeFile(file, pattern(size))
      const read = readItemWhole({ kind: 'file', path: file })
      expect(read).not.toBeNull()
      expect(Buffer.compare(read as Buffer, readFileSync(file))).toBe(0)
    })

  it('gives its own copy: a later read does not change an earlier message', async () => {
    const a = path.join(dir, 'a.eml')
    const b = path.join(dir, 'b.eml')
    await writeFile(a, 'first message\r\n')
    await writeFile(b, 'second, longer message\r\n')
    const first = readItemWhole({ kind: 'file', path: a }) as Buffer
    readItemWhole({ kind: 'file', path: b })
    expect(first.toString()).toBe('first message\r\n')
  })

  it('leaves a file over the limit to be streamed (null)', async () => {
    const file = path.join(dir, 'big.eml')
    await writeFile(file, pattern(WHOLE_READ_MAX_BYTES + 1))
    expect(readItemWhole({ kind: 'file', path: file })).toBeNull()
  })

  it('throws for a file that is not there (the run reports it as a row)', () => {
    expect(() => readItemWhole({ kind: 'file', path: path.join(dir, 'missing.eml') })).toThrow(/ENOENT/)
  })
})
