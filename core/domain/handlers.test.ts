// domain.keygen through the engine, as the page calls it: the keys made in memory (nothing
// written to the config directory), each private key the pair of its record, and a request it
// cannot use refused with the reason.
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { DomainKeygenResult } from '../../shared/contract/index.js'
import { createEngine, type Engine } from '../engine.js'

let dir: string
let engine: Engine
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mw-domain-handlers-'))
  engine = createEngine({ configDir: dir, shell: 'cli' })
})
afterEach(async () => {
  await engine.dispose()
  rmSync(dir, { recursive: true, force: true })
})

it('makes an RSA and an Ed25519 key whose records are their public halves, and writes nothing', async () => {
  const reply = await engine.call('domain.keygen', {
    domain: 'Example.ORG.',
    selector: 's20261207',
    type: 'rsa-2048+ed25519',
  })
  expect(reply.ok).toBe(true)
  const result = (reply as { value: DomainKeygenResult }).value
  expect(result.domain).toBe('example.org')
  expect(result.keys.map((k) => [k.selector, k.algorithm, k.fileName])).toEqual([
    ['s20261207', 'rsa', 's20261207._domainkey.example.org.private'],
    ['s20261207-ed', 'ed25519', 's20261207-ed._domainkey.example.org.private'],
  ])
  for (const [i, key] of result.keys.entries()) {
    const publicKey = createPublicKey(createPrivateKey(key.privatePem))
    const p =
      key.algorithm === 'rsa'
        ? publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
        : Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url').toString('base64')
    expect(result.records[i]?.value).toBe(`v=DKIM1; k=${key.algorithm}; p=${p}`)
    expect(result.records[i]?.strings.every((s) => Buffer.byteLength(s) <= 255)).toBe(true)
  }
  expect(result.snippets.exim).toContain('/etc/dkimkeys/s20261207._domainkey.example.org.private')
  // Advice about a written file does not apply: the page saves the key.
  expect(result.advice.map((a) => a.id)).not.toContain('keygen-key-permissions')
  expect(readdirSync(dir).filter((f) => f.endsWith('.private'))).toEqual([])
})

it('refuses a domain it cannot use, with the reason', async () => {
  const reply = await engine.call('domain.keygen', {
    domain: 'not a domain',
    selector: 's1',
    type: 'rsa-2048',
  })
  expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
  expect((reply as { error: { message: string } }).error.message).toMatch(/domain/i)
})
