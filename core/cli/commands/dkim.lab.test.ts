// `dkim verify --dns` against the lab's DNS server (dnsmasq on 127.0.10.53, which publishes the
// keys of e2e/corpus/dkim-real and Exim's mwlab key): keys are fetched from the server named, and
// remembered in the key store of the config directory.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { getLab } from '../../../e2e/lab/lab.js'
import { KEY_STORE_FILE } from '../../dkim/index.js'
import { inProcessCli } from '../test-support/run-cli.js'

const real = path.resolve(import.meta.dirname, '..', '..', '..', 'e2e', 'corpus', 'dkim-real')
const { cli, dir, configDir } = inProcessCli('mw-cli-dkim-lab-')

describe('mailwarden dkim verify --dns (lab DNS)', () => {
  it('fetches the keys from the named DNS server and remembers them in the key store', async () => {
    const lab = getLab()
    const { code, out, err } = await cli([
      'dkim',
      'verify',
      path.join(real, 'rfc8463-a3.eml'),
      '--dns',
      lab.dns.server,
      '--at',
      '2020-01-01',
      '--json',
    ])
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(JSON.parse(out).signatures.map((s: { result: string }) => s.result)).toEqual(['pass', 'pass'])
    const store = JSON.parse(await readFile(path.join(configDir(), KEY_STORE_FILE), 'utf8'))
    expect(Object.keys(store.keys).sort()).toEqual([
      'brisbane._domainkey.football.example.com',
      'test._domainkey.football.example.com',
    ])
  })

  it('says temperror, not a forgery, when the DNS server refuses (a name outside the lab)', async () => {
    const lab = getLab()
    // The lab DNS has no upstream: example.org is REFUSED, as a broken resolver would.
    // (i= moves along with d=, or the signature would be malformed before any key is fetched.)
    const text = (await readFile(path.join(real, 'rfc6376-a2.eml'), 'latin1'))
      .replace('d=example.com', 'd=example.org')
      .replace('i=joe@football.example.com', 'i=joe@football.example.org')
    const file = path.join(dir(), 'elsewhere.eml')
    await writeFile(file, Buffer.from(text, 'latin1'))
    const { code, out } = await cli(['dkim', 'verify', file, '--dns', lab.dns.server, '--json'])
    expect(code).toBe(1)
    const report = JSON.parse(out)
    expect(report.signatures[0]).toMatchObject({ domain: 'example.org', result: 'temperror' })
  })
})
