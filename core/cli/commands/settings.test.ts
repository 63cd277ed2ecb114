// `mailwarden settings set` checks what it is given before saving (issue 13): a CA file that does
// not exist or holds no certificate, an ISP database URL that is not https, a DNS server that is
// not an address: one sentence, exit 2, and nothing saved.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTlsMaterial, type TlsMaterial } from '../../net/test-support/tls-material.js'
import { inProcessCli } from '../test-support/run-cli.js'

let material: TlsMaterial
const { cli, dir, configDir } = inProcessCli('mw-cli-settings-', { configSubdir: 'config' })

beforeAll(() => {
  material = makeTlsMaterial()
})
afterAll(() => material.remove())

async function saved(): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await readFile(path.join(configDir(), 'settings.json'), 'utf8'))
  } catch {
    return null
  }
}

describe('mailwarden settings set', () => {
  it('refuses a CA file that does not exist, or is not a certificate: exit 2, nothing saved', async () => {
    const missing = await cli('settings', 'set', `extraCaFile=${path.join(dir(), 'nope.pem')}`)
    expect(missing.code).toBe(2)
    expect(missing.err).toMatch(/^The CA file .*nope\.pem cannot be read: it does not exist\./)
    const notes = path.join(dir(), 'notes.txt')
    await writeFile(notes, 'not a certificate\n')
    const text = await cli('settings', 'set', `extraCaFile=${notes}`, 'theme=dark')
    expect(text.code).toBe(2)
    expect(text.err).toMatch(/holds no usable PEM certificate/)
    const folder = await cli('settings', 'set', `extraCaFile=${dir()}`)
    expect(folder.code).toBe(2)
    expect(folder.err).toMatch(/is not a file/)
    // Not even the theme given alongside was saved.
    expect(await saved()).toBeNull()
  })

  it('saves a CA file with a certificate, as a full path even when given a relative one', async () => {
    const relative = path.relative(process.cwd(), material.caPath)
    const { code, out } = await cli('settings', 'set', `extraCaFile=${relative}`, '--json')
    expect(code).toBe(0)
    expect(JSON.parse(out).settings.extraCaFile).toBe(material.caPath)
    expect((await saved())?.extraCaFile).toBe(material.caPath)
    expect((await cli('settings', 'set', 'extraCaFile=none', '--json')).code).toBe(0)
  })

  it('refuses an ISP database URL that is not https', async () => {
    const { code, err } = await cli('settings', 'set', 'ispdbUrl=http://ispdb.example/v1.1/')
    expect(code).toBe(2)
    expect(err).toMatch(/must start with https:\/\//)
  })

  it('refuses a DNS server that only looks like an IPv6 address (the probe would then fail)', async () => {
    const { code, err } = await cli('settings', 'set', 'dnsServer=[:::]')
    expect(code).toBe(2)
    expect(err).toMatch(/dnsServer: a DNS server is an IP address/)
    expect((await saved())?.dnsServer ?? null).toBeNull()
  })

  it('prints lists as a count, and takes true/false for a switch', async () => {
    const { code, out } = await cli('settings', 'set', 'startAtLogin=true')
    expect(code).toBe(0)
    expect(out).toMatch(/startAtLogin = true/)
    expect(out).toMatch(/accounts = 0 saved/)
    expect(out).not.toContain('[object Object]')
  })

  it('takes the own domains as a comma-separated list, and none to empty it', async () => {
    const set = await cli('settings', 'set', 'ownDomains=Example.ORG, mail.example.net')
    expect(set.code).toBe(0)
    expect(set.out).toMatch(/ownDomains = example\.org, mail\.example\.net/)
    const cleared = await cli('settings', 'set', 'ownDomains=none')
    expect(cleared.out).toMatch(/ownDomains = none/)
  })
})
