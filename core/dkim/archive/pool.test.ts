import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cachedKeySource, type KeyLookup, type KeySource, keyFileSource } from '../index.js'
import { unpackedPath, verifyItems } from './pool.js'
import { expandPaths } from './sources.js'

const real = path.resolve(import.meta.dirname, '..', '..', '..', 'e2e', 'corpus', 'dkim-real')
let dir: string
let mbox: string
const COUNT = 300

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-pool-'))
  const a = (await readFile(path.join(real, 'rfc6376-a2.eml'), 'latin1')).replace(/\r\n/g, '\n')
  const b = (await readFile(path.join(real, 'rfc8463-a3.eml'), 'latin1')).replace(/\r\n/g, '\n')
  const parts: string[] = []
  for (let i = 0; i < COUNT; i++)
    parts.push(
      `From sender@example.com Mon Jan  1 10:00:${String(i % 60).padStart(2, '0')} 2018\n${i % 2 ? b : a}\n`,
    )
  mbox = path.join(dir, 'many.mbox')
  await writeFile(mbox, Buffer.from(parts.join(''), 'latin1'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('the archive pool', () => {
  it('verifies hundreds of mbox messages on worker threads, in order, fetching each key once', async () => {
    const file = keyFileSource(await readFile(path.join(real, 'keys.txt'), 'utf8'))
    const asked: string[] = []
    const counting: KeySource = {
      description: 'key file',
      lookup: (name): Promise<KeyLookup> => {
        asked.push(name)
        return file.lookup(name)
      },
    }
    const results = []
    for await (const r of verifyItems(expandPaths([mbox]), {
      keys: counting,
      workers: 2,
      at: new Date('2020-01-01'),
    })) {
      results.push(r)
      // A slow consumer now and then (a terminal, a pipe): every message in flight is answered
      // while it waits, and the pool must then fetch more rather than wait for an answer.
      if (results.length % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 300))
    }
    expect(results).toHaveLength(COUNT)
    expect(results.map((r) => r.index)).toEqual(results.map((_, i) => i))
    expect(results.filter((r) => r.report?.alignedPass).length).toBe(COUNT)
    // Three selectors in all (brisbane@example.com, brisbane and test @football.example.com): once each.
    expect(asked.sort()).toEqual([
      'brisbane._domainkey.example.com',
      'brisbane._domainkey.football.example.com',
      'test._domainkey.football.example.com',
    ])
  }, 60_000) // worker threads compile the sources through tsx first

  it('stops when the signal is aborted', async () => {
    const keys = cachedKeySource(keyFileSource(await readFile(path.join(real, 'keys.txt'), 'utf8')))
    const controller = new AbortController()
    let seen = 0
    const run = async () => {
      for await (const _ of verifyItems(expandPaths([mbox], { signal: controller.signal }), {
        keys,
        workers: 0,
        signal: controller.signal,
      })) {
        if (++seen === 5) controller.abort()
      }
    }
    await expect(run()).rejects.toThrow()
    expect(seen).toBe(5)
  })
})

describe('unpackedPath', () => {
  it('maps a file inside app.asar to its unpacked copy beside the archive; null elsewhere', () => {
    const inAsar = path.join(
      '/opt',
      'Mailwarden',
      'resources',
      'app.asar',
      'dist',
      'electron',
      'dkim-worker.mjs',
    )
    expect(unpackedPath(inAsar)).toBe(
      path.join(
        '/opt',
        'Mailwarden',
        'resources',
        'app.asar.unpacked',
        'dist',
        'electron',
        'dkim-worker.mjs',
      ),
    )
    expect(unpackedPath(path.join('/work', 'dist', 'dkim-worker.mjs'))).toBeNull()
  })
})
