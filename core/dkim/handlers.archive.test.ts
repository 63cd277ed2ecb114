// dkim.archive through the engine, as the UI calls it: a real mbox built from the corpus's real
// messages (mboxrd and mboxo escaping), keys from the corpus's key file, rows that arrive with the
// progress events, a cancel mid-run, and broken input: not an mbox, a truncated one, junk inside.
import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DKIM_ARCHIVE_ROWS_PER_EVENT,
  type DkimArchiveRequest,
  type EventPayload,
} from '../../shared/contract/index.js'
import { createEngine, type Engine } from '../engine.js'
import { sharedArchiveStore } from '../uploads/store.js'
import { startHeldDns } from './test-support/held-dns.js'

const corpus = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../e2e/corpus/dkim-real')
const keys = readFileSync(path.join(corpus, 'keys.txt'), 'utf8')
const names = readdirSync(corpus)
  .filter((name) => name.endsWith('.eml'))
  .sort()
const SEPARATOR = 'From MAILER-DAEMON Tue Dec  1 10:00:00 2026'

/** An mbox as mutt or Thunderbird writes one: each message after a "From " line, escaped, an empty line after. */
function mbox(messages: Buffer[], format: 'mboxrd' | 'mboxo' = 'mboxrd'): Buffer {
  const fromLine = format === 'mboxrd' ? /^(>*From )/gm : /^(From )/gm
  const parts: Buffer[] = []
  for (const message of messages) {
    const text = message.toString('latin1')
    const nl = text.includes('\r\n') ? '\r\n' : '\n'
    let escaped = text.replace(fromLine, '>$1')
    if (!escaped.endsWith(nl)) escaped += nl
    parts.push(Buffer.from(`${SEPARATOR}${nl}${escaped}${nl}`, 'latin1'))
  }
  return Buffer.concat(parts)
}

const message = (name: string) => readFileSync(path.join(corpus, name))

/**
 * A message signed here (relaxed/relaxed, rsa-sha256, node:crypto) whose body has lines that begin
 * "From " and ">From ": the mbox escapes them, and the signature holds only if reading undoes that.
 */
function signedWithFromLines(bodyLines: string[]): { bytes: Buffer; record: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const body = `${bodyLines.join('\r\n')}\r\n`
  const headers: [string, string][] = [
    ['From', 'Ann <ann@escape.example>'],
    ['To', 'bob@example.org'],
    ['Subject', 'Lines that begin with From'],
    ['Date', 'Tue, 01 Dec 2026 10:00:00 +0000'],
  ]
  const bh = createHash('sha256').update(body, 'latin1').digest('base64')
  const tags = `v=1; a=rsa-sha256; c=relaxed/relaxed; d=escape.example; s=s1; h=from:to:subject:date; bh=${bh}; b=`
  const canonical = headers.map(([name, value]) => `${name.toLowerCase()}:${value}\r\n`).join('')
  const b = sign('sha256', Buffer.from(`${canonical}dkim-signature:${tags}`, 'latin1'), privateKey)
  const p = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64')
  const head = [`DKIM-Signature: ${tags}${b.toString('base64')}`, ...headers.map(([n, v]) => `${n}: ${v}`)]
  return {
    bytes: Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`, 'latin1'),
    record: `s1._domainkey.escape.example v=DKIM1; k=rsa; p=${p}`,
  }
}

/** Hands the bytes to the archive store the way the web host does, and names the upload. */
async function upload(bytes: Buffer, name = 'inbox.mbox') {
  const stored = await sharedArchiveStore().receive(Readable.from([bytes]))
  return { kind: 'upload' as const, uploadId: stored.id, name }
}

type Progress = EventPayload<'dkim.archive.progress'>
type Finished = EventPayload<'dkim.archive.finished'>

let dir: string
let engine: Engine
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mw-dkim-archive-'))
  engine = createEngine({ configDir: dir, shell: 'cli' })
})
afterEach(async () => {
  await engine.dispose()
  await sharedArchiveStore().close()
  rmSync(dir, { recursive: true, force: true })
})

/** Starts a run and collects its events until it finishes. */
async function run(request: DkimArchiveRequest) {
  const progress: Progress[] = []
  engine.on('dkim.archive.progress', (event) => progress.push(event))
  const finished = new Promise<Finished>((resolve) => engine.on('dkim.archive.finished', resolve))
  const reply = await engine.call('dkim.archive', request)
  return { reply, progress, finished }
}

const rowsOf = (progress: Progress[]) => progress.flatMap((p) => p.progress.rows)

describe('dkim.archive', () => {
  it('verifies every message of a real mbox with a key file: one row each, named by offset', async () => {
    const bytes = mbox(names.map(message))
    const archive = await upload(bytes)
    const { reply, progress, finished } = await run({ archive: archive, keys })
    expect(reply.ok).toBe(true)
    const outcome = (await finished).outcome
    expect(outcome).toEqual({
      status: 'done',
      result: { messages: names.length, listed: names.length, alignedPass: 7, notPassing: 1, unusable: 0 },
    })
    const rows = rowsOf(progress)
    // Offsets are where each "From " line starts, as the CLI's --json-lines gives them.
    const offsets: number[] = []
    for (let at = 0; at >= 0; at = bytes.indexOf(`${SEPARATOR}`, at + 1)) offsets.push(at)
    expect(rows.map((r) => r.name)).toEqual(offsets.map((o) => `inbox.mbox@${o}`))
    expect(rows.every((r) => r.verdict === 'pass' && r.error === null)).toBe(true)
    // The 2013 Gmail message is signed by gmail.com for a From at strace.org: a pass, not aligned.
    const gmail = rows[names.indexOf('real-gmail-2013.eml')]
    expect(gmail).toMatchObject({ verdict: 'pass', alignedPass: false, domains: ['gmail.com'] })
    const amazon = rows[names.indexOf('real-amazon.eml')]
    expect(amazon).toMatchObject({ alignedPass: true, domains: ['amazon.com', 'amazonses.com'] })
    expect(amazon?.findings.warn).toBeGreaterThan(0)
    // The events count up to the whole file; `first` tells where each batch of rows goes.
    const last = progress.at(-1)?.progress
    expect(last).toMatchObject({ done: names.length, bytesRead: bytes.length, totalBytes: bytes.length })
    let expected = 0
    for (const { progress: p } of progress) {
      expect(p.first).toBe(expected)
      expected += p.rows.length
    }
    // The upload was used once and is gone from the disk.
    expect(sharedArchiveStore().size).toBe(0)
    const used = await engine.call('dkim.archive', { archive: archive, keys })
    expect(used).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: expect.stringMatching(/open inbox.mbox again/) },
    })
  }, 30_000)

  it('undoes mboxrd and mboxo escaping: a body line that began "From " comes back as signed', async () => {
    const rd = signedWithFromLines(['Hello,', 'From the start, this was signed.', '>From a quoted line too.'])
    const o = signedWithFromLines(['Hello,', 'From the start, this was signed.'])
    for (const [format, signed] of [
      ['mboxrd', rd],
      ['mboxo', o],
    ] as const) {
      const bytes = mbox([signed.bytes, message('rfc8463-a3.eml')], format)
      expect(bytes.includes('\n>From the start')).toBe(true)
      const { progress, finished } = await run({
        archive: await upload(bytes),
        keys: `${keys}\n${signed.record}\n`,
        format,
      })
      expect((await finished).outcome.status).toBe('done')
      expect(
        rowsOf(progress).map((r) => [r.domains[0], r.verdict, r.alignedPass]),
        format,
      ).toEqual([
        ['escape.example', 'pass', true],
        ['football.example.com', 'pass', true],
      ])
    }
  }, 30_000)

  it('stops when cancelled mid-run, keeps the rows it sent, and deletes the upload', async () => {
    // The gate: the first three messages' key is answered at once, each later message names a
    // selector the DNS server never answers. The run cannot finish before the cancel, however fast.
    const dns = await startHeldDns(keys, (name) => name.startsWith('held'))
    try {
      const cnn = message('real-cnn.eml')
      const held = (i: number) =>
        Buffer.from(cnn.toString('latin1').replace(' s=v2;', ` s=held${i};`), 'latin1')
      const many = mbox([cnn, cnn, cnn, ...Array.from({ length: 597 }, (_, i) => held(i))])
      const { reply, progress, finished } = await run({ archive: await upload(many), dnsServer: dns.server })
      if (!reply.ok) throw new Error(reply.error.message)
      const { runId } = reply.value as { runId: string }
      await expect.poll(() => rowsOf(progress).length, { timeout: 20_000 }).toBe(3)
      await expect.poll(() => dns.asked.some((name) => name.startsWith('held'))).toBe(true)
      const cancelled = await engine.call('runs.cancel', { runId })
      expect(cancelled).toEqual({ ok: true, value: { runId, cancelled: true } })
      expect((await finished).outcome).toEqual({ status: 'cancelled' })
      expect(rowsOf(progress).map((r) => r.verdict)).toEqual(['pass', 'pass', 'pass'])
      // The work winds down: the pool's threads stop and the temporary copy is deleted.
      await expect.poll(() => sharedArchiveStore().size, { timeout: 5_000 }).toBe(0)
      expect(rowsOf(progress)).toHaveLength(3)
    } finally {
      await dns.close()
    }
  }, 30_000)

  it('sends many rows in bounded events', async () => {
    const bytes = mbox(Array.from({ length: 450 }, () => message('rfc8463-dkimpy-rsa.eml')))
    const { progress, finished } = await run({
      archive: await upload(bytes),
      keys,
      at: '2020-01-01T00:00:00Z',
    })
    expect((await finished).outcome).toMatchObject({ status: 'done', result: { messages: 450, listed: 450 } })
    expect(rowsOf(progress)).toHaveLength(450)
    expect(Math.max(...progress.map((p) => p.progress.rows.length))).toBeLessThanOrEqual(
      DKIM_ARCHIVE_ROWS_PER_EVENT,
    )
  }, 30_000)

  it('gives an error row for a truncated message and for junk, and verifies the rest', async () => {
    const good = mbox([message('real-amazon.eml'), message('rfc8463-a3.eml')])
    const junk = Buffer.concat([
      Buffer.from(`${SEPARATOR}\n`),
      Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x02, 0x0a, 0x0a, 0x7f]),
      Buffer.from('\n\n'),
    ])
    const cnn = mbox([message('real-cnn.eml')])
    // The last message ends in the middle of its headers, as a copy that was cut short would.
    const truncated = cnn.subarray(0, cnn.indexOf('Subject:'))
    const bytes = Buffer.concat([good, junk, truncated])
    const { progress, finished } = await run({ archive: await upload(bytes, 'cut.mbox'), keys })
    const outcome = (await finished).outcome
    expect(outcome).toMatchObject({ status: 'done', result: { messages: 4 } })
    const rows = rowsOf(progress)
    expect(rows.map((r) => r.name)).toEqual([
      'cut.mbox@0',
      `cut.mbox@${good.indexOf(SEPARATOR, 1)}`,
      `cut.mbox@${good.length}`,
      `cut.mbox@${good.length + junk.length}`,
    ])
    expect(rows.slice(0, 2).map((r) => r.alignedPass)).toEqual([true, true])
    for (const row of rows.slice(2)) {
      expect(row.alignedPass).toBe(false)
      expect(row.error ?? row.verdict).not.toBe('pass')
    }
    // Nothing says where the temporary copy lives.
    expect(JSON.stringify(rows)).not.toContain(tmpdir())
  }, 30_000)

  it('reads a file chosen as an mbox by its content, whatever its name (a desktop file named .eml)', async () => {
    const named = path.join(dir, 'export.eml')
    writeFileSync(named, mbox([message('rfc8463-a3.eml'), message('rfc6376-a2.eml')]))
    const adopted = await sharedArchiveStore().adopt(named)
    const { reply, progress, finished } = await run({
      archive: { kind: 'upload', uploadId: adopted.id, name: 'export.eml' },
      keys,
      at: '2020-01-01T00:00:00Z',
    })
    expect(reply.ok).toBe(true)
    expect((await finished).outcome).toMatchObject({ status: 'done', result: { messages: 2 } })
    expect(rowsOf(progress).map((r) => r.name)).toEqual([
      'export.eml@0',
      expect.stringMatching(/^export\.eml@\d+$/),
    ])
  }, 30_000)

  it('refuses a message whose first line is "From : x" (a forged header, no From_ line) as an mbox', async () => {
    // "From " alone does not make an mbox: a forged first header line is a message, never a separator.
    const forged = Buffer.concat([Buffer.from('From : ceo@bank.example\n'), message('rfc6376-a2.eml')])
    const notMbox = await engine.call('dkim.archive', { archive: await upload(forged, 'forged'), keys })
    expect(notMbox).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-request',
        message: expect.stringMatching(/^forged is not an mbox: its first line/),
      },
    })
  })

  it('refuses a file that is not an mbox with a sentence, before any run', async () => {
    const archive = await upload(message('real-cnn.eml'), 'message.eml')
    const reply = await engine.call('dkim.archive', { archive, keys })
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', message: expect.stringMatching(/^message.eml is not an mbox/) },
    })
    const badKeys = await engine.call('dkim.archive', {
      archive: await upload(mbox([message('real-cnn.eml')])),
      keys: 'onlyaname',
    })
    expect(badKeys).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', message: expect.stringMatching(/key file/) },
    })
  })
})

describe('dkim.batch with a key file', () => {
  it('uses the keys for every message', async () => {
    const finished = new Promise<EventPayload<'dkim.batch.finished'>>((resolve) =>
      engine.on('dkim.batch.finished', resolve),
    )
    const source = (name: string) => ({
      kind: 'base64' as const,
      name,
      data: message(name).toString('base64'),
    })
    const reply = await engine.call('dkim.batch', {
      messages: [source('real-amazon.eml'), source('rfc8463-a3.eml')],
      keys,
    })
    expect(reply.ok).toBe(true)
    const outcome = (await finished).outcome
    if (outcome.status !== 'done') throw new Error(`batch ${outcome.status}`)
    expect(outcome.result.rows.map((r) => [r.name, r.verdict, r.alignedPass])).toEqual([
      ['real-amazon.eml', 'pass', true],
      ['rfc8463-a3.eml', 'pass', true],
    ])
  }, 30_000)
})
