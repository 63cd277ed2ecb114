import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isMboxFromLine } from '../../../shared/contract/message-kind.js'
import { looksLikeMbox, type MboxRange, scanMbox, unescapeMbox } from './mbox.js'
import { expandPaths, isMboxFile, readItem } from './sources.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-mbox-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}
async function bytes(it: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = []
  for await (const c of it) parts.push(Buffer.from(c))
  return Buffer.concat(parts).toString('latin1')
}
async function* chunked(text: string, size: number): AsyncGenerator<Uint8Array> {
  const b = Buffer.from(text, 'latin1')
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size)
}

const messages = [
  'From: a@example.com\nSubject: one\n\nFirst body\n>From the start, escaped\n',
  'From: b@example.com\nSubject: two\n\nFrom here on, an unescaped body line (mboxo writers)\n\nlast\n',
  'From: c@example.com\nSubject: three\n\n>>From twice escaped (mboxrd)\n',
]
const mbox = messages
  .map((m, i) => `From sender${i}@example.com Tue Dec  1 10:00:0${i} 2026\n${m}\n`)
  .join('')

describe('mbox scanning', () => {
  it('finds every message at any chunk size, with separator offsets, and never splits at a body "From " line', async () => {
    const file = path.join(dir, 'a.mbox')
    await writeFile(file, mbox)
    const expected = await collect(scanMbox(file))
    expect(expected).toHaveLength(3)
    expect(expected.map((r) => r.separator)).toEqual([
      'From sender0@example.com Tue Dec  1 10:00:00 2026',
      'From sender1@example.com Tue Dec  1 10:00:01 2026',
      'From sender2@example.com Tue Dec  1 10:00:02 2026',
    ])
    expect(expected[1]?.offset).toBe(mbox.indexOf('From sender1'))
    const text = (r: MboxRange) => mbox.slice(r.start, r.end)
    expect(expected.map(text)).toEqual(messages)
    for (const size of [1, 2, 3, 5, 7, 16, 64]) {
      expect(await collect(scanMbox(file, { chunkBytes: size }))).toEqual(expected)
    }
  })

  it('finds every separator of a CRLF mbox whatever byte a read ends on (the empty line before it included)', async () => {
    // A read that ended right after "\n\r\nFrom" (the space not yet read) lost the empty line's LF:
    // two messages were verified as one, about once per 131,072 separators of a real archive.
    const crlf = mbox.replace(/\n/g, '\r\n')
    const file = path.join(dir, 'crlf-all.mbox')
    await writeFile(file, crlf)
    const expected = await collect(scanMbox(file))
    expect(expected.map((r) => crlf.slice(r.start, r.end))).toEqual(
      messages.map((m) => m.replace(/\n/g, '\r\n')),
    )
    for (let size = 1; size <= 80; size++)
      expect(await collect(scanMbox(file, { chunkBytes: size })), `chunk ${size}`).toEqual(expected)
  })

  it('handles CRLF mboxes and a file without a final line end', async () => {
    const file = path.join(dir, 'crlf.mbox')
    await writeFile(
      file,
      'From x Tue Dec  1 10:00:00 2026\r\nSubject: a\r\n\r\nbody\r\n\r\nFrom y Wed Dec  2 10:00:00 2026\r\nSubject: b\r\n\r\nlast',
    )
    const ranges = await collect(scanMbox(file, { chunkBytes: 3 }))
    expect(ranges.map((r) => r.separator)).toEqual([
      'From x Tue Dec  1 10:00:00 2026',
      'From y Wed Dec  2 10:00:00 2026',
    ])
    const all =
      'From x Tue Dec  1 10:00:00 2026\r\nSubject: a\r\n\r\nbody\r\n\r\nFrom y Wed Dec  2 10:00:00 2026\r\nSubject: b\r\n\r\nlast'
    expect(ranges.map((r) => all.slice(r.start, r.end))).toEqual([
      'Subject: a\r\n\r\nbody\r\n',
      'Subject: b\r\n\r\nlast',
    ])
  })

  it('refuses a file that is not an mbox, in a sentence', async () => {
    const file = path.join(dir, 'not.mbox')
    await writeFile(file, 'Subject: hi\n\nbody\n')
    await expect(collect(scanMbox(file))).rejects.toThrow(/not an mbox/)
  })

  it('unescapes mboxrd (one ">" from >+From) and mboxo (only >From) across chunk boundaries', async () => {
    const body = 'a\n>From one\n>>From two\n>>>From three\n> From not\n>Fromage\nFrom plain\n'
    for (const size of [1, 2, 4, 9, 100]) {
      expect(await bytes(unescapeMbox(chunked(body, size), 'mboxrd'))).toBe(
        'a\nFrom one\n>From two\n>>From three\n> From not\n>Fromage\nFrom plain\n',
      )
      expect(await bytes(unescapeMbox(chunked(body, size), 'mboxo'))).toBe(
        'a\nFrom one\n>>From two\n>>>From three\n> From not\n>Fromage\nFrom plain\n',
      )
    }
    expect(await bytes(unescapeMbox(chunked('>From first line\n', 3), 'mboxrd'))).toBe('From first line\n')
  })
})

describe('archive inputs', () => {
  it('expands an mbox, a Maildir (new/ and cur/, not tmp/), a directory of .eml and a missing path', async () => {
    const root = path.join(dir, 'tree')
    const maildir = path.join(root, 'Maildir')
    const { mkdir } = await import('node:fs/promises')
    for (const sub of ['cur', 'new', 'tmp', '.Sent/cur', '.Sent/new'])
      await mkdir(path.join(maildir, sub), { recursive: true })
    await writeFile(path.join(maildir, 'new', '1.host'), 'Subject: new\n\nx\n')
    await writeFile(path.join(maildir, 'cur', '2.host:2,S'), 'Subject: cur\n\nx\n')
    await writeFile(path.join(maildir, 'tmp', '3.host'), 'Subject: being written\n\nx\n')
    await writeFile(path.join(maildir, '.Sent', 'cur', '4.host:2,S'), 'Subject: sent\n\nx\n')
    const emls = path.join(root, 'emls')
    await mkdir(path.join(emls, 'sub'), { recursive: true })
    await writeFile(path.join(emls, 'b.eml'), 'Subject: b\n\nx\n')
    await writeFile(path.join(emls, 'sub', 'a.eml'), 'Subject: a\n\nx\n')
    await writeFile(path.join(emls, 'notes.txt'), 'not a message')
    const box = path.join(root, 'box.mbox')
    await writeFile(box, mbox)

    const items = await collect(expandPaths([maildir, emls, box, path.join(root, 'missing.eml')]))
    const names = items.map((i) =>
      i.kind === 'mbox' ? `mbox@${i.offset}` : `${i.kind}:${path.relative(root, i.path)}`,
    )
    expect(names).toEqual([
      'file:Maildir/new/1.host',
      'file:Maildir/cur/2.host:2,S',
      'file:Maildir/.Sent/cur/4.host:2,S',
      'file:emls/b.eml',
      'file:emls/sub/a.eml',
      'mbox@0',
      `mbox@${mbox.indexOf('From sender1')}`,
      `mbox@${mbox.indexOf('From sender2')}`,
      'unreadable:missing.eml',
    ])
    const unreadable = items.at(-1)
    expect(unreadable).toMatchObject({ kind: 'unreadable', reason: 'no such file or directory' })
    const third = items.find(
      (i) => i.kind === 'mbox' && i.offset > mbox.indexOf('From sender1'),
    ) as (typeof items)[number]
    expect(await bytes(readItem(third))).toBe(
      'From: c@example.com\nSubject: three\n\n>From twice escaped (mboxrd)\n',
    )
  })
})

describe('what is an mbox (a real From_ line), and what is one message', () => {
  const separators = [
    'From MAILER-DAEMON Fri Jul  8 12:08:34 2011',
    'From alice@example.com Tue Dec  1 10:00:00 2026',
    'From - Sat Jan 01 00:00:00 2000', // Thunderbird
    'From alice@example.com Tue Dec 1 10:00 2026', // no seconds
    'From alice@example.com Tue Dec  1 10:00:00 PST 2026', // a zone before the year
    'From alice@example.com Tue Dec  1 10:00:00 +0100 2026',
    'From alice@example.com Tue Dec  1 10:00:00 2026 +0000', // mboxcl: fields after the date
    'From uucp!host!alice Tue Dec  1 10:00:00 2026 remote from host',
  ]
  const headers = [
    'From : ceo@bank.example',
    'From: ceo@bank.example',
    'From ceo@bank.example',
    'From ceo@bank.example Tue Dec 1',
    'From :ceo@bank.example Fri Jul  8 12:08:34 2011',
    'From  Fri Jul  8 12:08:34 2011',
    'From alice@example.com Monday 10:00:00 2026',
    'Received: from mx by mx; Fri Jul  8 12:08:34 2011',
  ]
  for (const line of separators)
    it(`takes ${JSON.stringify(line)} for a separator`, () => {
      expect(isMboxFromLine(line)).toBe(true)
      expect(looksLikeMbox(Buffer.from(`${line}\r\nFrom: a@example.com\r\n`))).toBe(true)
    })
  for (const line of headers)
    it(`takes ${JSON.stringify(line)} for a header line, not a separator`, () => {
      expect(isMboxFromLine(line)).toBe(false)
      expect(looksLikeMbox(Buffer.from(`${line}\nFrom: a@example.com\n`))).toBe(false)
    })

  it('needs the whole first line within the bound', () => {
    expect(looksLikeMbox(Buffer.from('From MAILER-DAEMON Fri Jul  8 12:08:34 2011'))).toBe(false)
    expect(looksLikeMbox(Buffer.from(`From a@b Fri Jul  8 12:08:34 2011 ${'x'.repeat(5000)}\n`))).toBe(false)
  })

  it('reads a forged "From :" file and any .eml as one message; a From_ file as an mbox', async () => {
    const forged = path.join(dir, 'forged')
    await writeFile(forged, 'From : ceo@bank.example\nFrom: joe@example.com\n\nbody\n')
    const eml = path.join(dir, 'exported.EML')
    await writeFile(eml, `From a@example.com Tue Dec  1 10:00:00 2026\n${messages[0]}`)
    const real = path.join(dir, 'real-mbox')
    await writeFile(real, mbox)
    expect(await isMboxFile(forged)).toBe(false)
    expect(await isMboxFile(eml)).toBe(false)
    expect(await isMboxFile(real)).toBe(true)
    const items = await collect(expandPaths([forged, eml, real]))
    expect(items.map((i) => i.kind)).toEqual(['file', 'file', 'mbox', 'mbox', 'mbox'])
    // The one message keeps its first line: nothing is skipped.
    expect(await bytes(readItem(items[0] as (typeof items)[0]))).toMatch(/^From : ceo@bank\.example\n/)
  })
})
