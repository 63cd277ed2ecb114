// The dkim operations through the engine, as the UI calls them: requests and results checked
// against the contract's schemas, key files, and the batch run with progress and per-row errors.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DkimReport, EventPayload } from '../../shared/contract/index.js'
import { createEngine, type Engine } from '../engine.js'

const corpus = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../e2e/corpus/dkim-real')
const keys = readFileSync(path.join(corpus, 'keys.txt'), 'utf8')
const source = (name: string) => ({
  kind: 'base64' as const,
  name,
  data: readFileSync(path.join(corpus, name)).toString('base64'),
})

let dir: string
let engine: Engine
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mw-dkim-handlers-'))
  engine = createEngine({ configDir: dir, shell: 'cli' })
})
afterEach(async () => {
  await engine.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('dkim.verify', () => {
  it('verifies an uploaded message with a key file, as of a date', async () => {
    const reply = await engine.call('dkim.verify', {
      message: source('rfc6376-a2.eml'),
      keys,
      at: '2020-01-01T00:00:00Z',
    })
    expect(reply.ok).toBe(true)
    const report = (reply as { value: DkimReport }).value
    // A key file (the UI's "key file"): no DNS may be asked, so the list finds organizations.
    expect(report).toMatchObject({
      verdict: 'pass',
      alignedPass: true,
      verifiedAtSource: 'given',
      alignmentBasis: 'public-suffix-list',
    })
    expect(report.signatures[0]).toMatchObject({
      domain: 'example.com',
      result: 'pass',
      keySource: 'key file',
    })
  })

  it('refuses an empty message and a broken key file with a sentence', async () => {
    const empty = await engine.call('dkim.verify', {
      message: { kind: 'base64', name: 'e.eml', data: '' },
      keys,
    })
    expect(empty).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', message: 'The message is empty.' },
    })
    const badKeys = await engine.call('dkim.verify', { message: source('rfc6376-a2.eml'), keys: 'onlyaname' })
    expect(badKeys).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', message: expect.stringMatching(/key file/) },
    })
    const badDate = await engine.call('dkim.verify', { message: source('rfc6376-a2.eml'), at: 'yesterday' })
    expect(badDate).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
  })
})

describe('dkim.batch', () => {
  it('verifies several messages with progress, one row each, an unusable one as an error row', async () => {
    const progress: EventPayload<'dkim.batch.progress'>[] = []
    engine.on('dkim.batch.progress', (event) => progress.push(event))
    const finished = new Promise<EventPayload<'dkim.batch.finished'>>((resolve) =>
      engine.on('dkim.batch.finished', resolve),
    )
    // The lab DNS is not needed: a DNS server that refuses everything gives temperror, not a hang.
    const reply = await engine.call('dkim.batch', {
      messages: [
        source('real-cnn.eml'),
        { kind: 'base64', name: 'empty.eml', data: '' },
        source('rfc8463-a3.eml'),
      ],
      dnsServer: '127.0.0.1:9',
      at: '2020-01-01T00:00:00Z',
    })
    expect(reply.ok).toBe(true)
    const event = await finished
    expect(event.outcome.status).toBe('done')
    if (event.outcome.status !== 'done') return
    const rows = event.outcome.result.rows
    expect(rows.map((r) => [r.name, r.signatures, r.error === null])).toEqual([
      ['real-cnn.eml', 1, true],
      ['empty.eml', 0, false],
      ['rfc8463-a3.eml', 2, true],
    ])
    expect(rows[1]?.error).toBe('The message is empty.')
    expect(rows[0]).toMatchObject({
      verdict: 'temperror',
      domains: ['newsletters.cnn.com'],
      from: expect.any(String),
    })
    expect(progress.map((p) => p.progress.done)).toEqual([1, 2, 3])
  }, 30_000)
})
