// Records made by opendkim-genkey (Debian opendkim-tools), judged by our domain check and by
// opendkim-testkey, offline: opendkim-testkey's libunbound serves genkey's record itself
// (local-data, no forwarder), so no DNS server is involved. keygen/signers.test.ts compares
// genkey's key files with ours; here our check judges genkey's published half.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { judgeKeyRecord } from './dkim-records.js'
import { readPrivateKey } from './private-key.js'
import { runTestkey, writeTestkeyConfig } from './test-support/opendkim.js'

const run = promisify(execFile)
const DOMAIN = 'genkey.example'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-peers-genkey-'))
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** opendkim-genkey's SELECTOR.txt is a zone-file line; the record is its quoted strings joined. */
async function genkey(selector: string, extra: string[] = []) {
  await run('/usr/sbin/opendkim-genkey', ['-d', DOMAIN, '-s', selector, '-D', dir, ...extra], {
    timeout: 30_000,
  })
  const txt = await readFile(path.join(dir, `${selector}.txt`), 'utf8')
  expect(txt).toMatch(new RegExp(`^${selector}\\._domainkey\\s+IN\\s+TXT\\s+\\(`))
  const record = [...txt.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join('')
  return { record, privateKeyFile: path.join(dir, `${selector}.private`) }
}

const ids = (findings: { id: string }[]) => findings.map((f) => f.id)

describe('opendkim-genkey records, judged by our check and by opendkim-testkey (offline)', () => {
  it('finds a default genkey record (RSA 2048, h=sha256) good, and its own private key the match', async () => {
    const made = await genkey('gk')
    const other = await genkey('other')
    expect(made.record).toMatch(/^v=DKIM1; h=sha256; k=rsa; p=MIIBIj/)
    const name = `gk._domainkey.${DOMAIN}`
    const conf = await writeTestkeyConfig(dir, {
      local: { zone: DOMAIN, txt: [{ name, value: made.record }] },
    })

    const where = { selector: 'gk', name, domain: DOMAIN }
    const own = judgeKeyRecord(made.record, where, await readPrivateKey(made.privateKeyFile))
    expect(own.status).toBe('key')
    expect(own.key).toMatchObject({ keyType: 'rsa', bits: 2048, testing: false, hashes: ['sha256'] })
    expect(ids(own.findings)).toEqual(['dkim-key-found', 'dkim-private-key-match'])
    expect((await runTestkey(conf, DOMAIN, 'gk', made.privateKeyFile)).verdict).toBe('key OK')

    const wrong = judgeKeyRecord(made.record, where, await readPrivateKey(other.privateKeyFile))
    expect(ids(wrong.findings)).toEqual(['dkim-key-found', 'dkim-private-key-mismatch'])
    expect((await runTestkey(conf, DOMAIN, 'gk', other.privateKeyFile)).verdict).toBe('keys do not match')
  })

  it('flags genkey -t (t=y), which opendkim-testkey passes: the lab test’s "testing mode" disagreement', async () => {
    const made = await genkey('gkt', ['-t'])
    expect(made.record).toContain('t=y')
    const name = `gkt._domainkey.${DOMAIN}`
    const conf = await writeTestkeyConfig(dir, {
      local: { zone: DOMAIN, txt: [{ name, value: made.record }] },
    })
    const ours = judgeKeyRecord(made.record, { selector: 'gkt', name, domain: DOMAIN })
    expect(ids(ours.findings)).toEqual(['dkim-key-found', 'dkim-testing'])
    expect((await runTestkey(conf, DOMAIN, 'gkt')).verdict).toBe('key OK')
  })
})
