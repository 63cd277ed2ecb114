import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OpenedMessage } from '../shared/contract/index.js'
import { MessageRouter, readMessageFile } from './open-message.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-open-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const inline = ({ name, bytes }: { name: string; bytes: Buffer }): OpenedMessage => ({
  message: { kind: 'base64', name, data: bytes.toString('base64') },
})

describe('readMessageFile', () => {
  it('reads the exact bytes of a message', async () => {
    const bytes = Buffer.from('From: a@b\r\nSubject: \xe9\r\n\r\nbody\r\n', 'latin1')
    await writeFile(path.join(dir, 'm.eml'), bytes)
    const read = await readMessageFile(path.join(dir, 'm.eml'))
    expect(read.name).toBe('m.eml')
    expect(read.bytes.equals(bytes)).toBe(true)
  })

  it('reads a file the OS opens as one message, whatever its first line (nothing is skipped)', async () => {
    for (const first of ['From : ceo@bank.example', 'From MAILER-DAEMON Fri Jul  8 12:08:34 2011']) {
      const bytes = Buffer.from(`${first}\r\nFrom: a@b\r\n\r\nbody\r\n`, 'latin1')
      await writeFile(path.join(dir, 'opened'), bytes)
      expect((await readMessageFile(path.join(dir, 'opened'))).bytes.equals(bytes)).toBe(true)
    }
  })

  it('refuses a file over the bound before reading it, and says how big it is', async () => {
    await writeFile(path.join(dir, 'big.eml'), Buffer.alloc(3000))
    await expect(readMessageFile(path.join(dir, 'big.eml'), 1024)).rejects.toThrow(
      /big\.eml is 0\.0 MB.*up to/,
    )
  })

  it('explains a missing file and a folder', async () => {
    await expect(readMessageFile(path.join(dir, 'gone.eml'))).rejects.toThrow(
      'gone.eml cannot be opened: it does not exist.',
    )
    await expect(readMessageFile(dir)).rejects.toThrow(/is not a file|is a folder/)
  })
})

describe('MessageRouter', () => {
  it('holds messages until the page is ready, then delivers them in order', async () => {
    await writeFile(path.join(dir, '1.eml'), 'A')
    await writeFile(path.join(dir, '2.eml'), 'B')
    const delivered: OpenedMessage[] = []
    const router = new MessageRouter({ deliver: (m) => delivered.push(m), convert: inline })
    await router.open(path.join(dir, '1.eml'))
    await router.open(path.join(dir, 'missing.eml'))
    expect(delivered).toEqual([])
    router.pageReady()
    expect(delivered).toEqual([
      { message: { kind: 'base64', name: '1.eml', data: 'QQ==' } },
      { name: 'missing.eml', error: 'missing.eml cannot be opened: it does not exist.' },
    ])
    await router.open(path.join(dir, '2.eml'))
    expect(delivered).toHaveLength(3)
    router.pageGone()
    await router.open(path.join(dir, '2.eml'))
    expect(delivered).toHaveLength(3)
  })
})
