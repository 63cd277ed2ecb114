// `mailwarden dkim keygen` run as the CLI runs it, writing into a temp directory.
import { readFile, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { inProcessCli } from '../test-support/run-cli.js'

const { cli, dir } = inProcessCli('mw-cli-keygen-', { configSubdir: 'config' })

const keygen = (...args: string[]) => cli(['dkim', 'keygen', '--domain', 'example.org', ...args])

describe('mailwarden dkim keygen', () => {
  it('writes the key with mode 0600, never prints it, and prints the record, snippets and advice', async () => {
    const out = path.join(dir(), 'one.private')
    const run = await keygen('--selector', 's20261207', '--out', out)
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    expect((await stat(out)).mode & 0o777).toBe(0o600)
    const pem = await readFile(out, 'utf8')
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    expect(run.out).not.toContain('PRIVATE KEY')
    expect(run.out).not.toContain(pem.split('\n')[1])
    expect(run.out).toContain(`Private key (rsa, selector s20261207) written to ${out} (mode 0600).`)
    expect(run.out).toContain('s20261207._domainkey.example.org. 3600 IN TXT (')
    expect(run.out).toMatch(/\n {2}v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}\n/)
    expect(run.out).toContain('dkim_canon = relaxed')
    expect(run.out).toContain('SigningTable')
    expect(run.out).toContain('dkim_signing.conf')
    expect(run.out).toContain('(keygen-rsa-2048)')
    expect(run.out).not.toContain('keygen-selector-not-dated')
  })

  it('refuses to overwrite an existing file (exit 3), and leaves it as it was', async () => {
    const out = path.join(dir(), 'taken.private')
    await writeFile(out, 'not a key\n')
    const run = await keygen('--selector', 's1', '--out', out)
    expect(run.code).toBe(3)
    expect(run.err).toMatch(/taken\.private already exists; a key file is never overwritten/)
    expect(run.out).toBe('')
    expect(await readFile(out, 'utf8')).toBe('not a key\n')
  })

  it('writes neither key of a pair when the second file exists', async () => {
    const out = path.join(dir(), 'pair.key')
    await writeFile(path.join(dir(), 'pair-ed25519.key'), 'old\n')
    const run = await keygen('--selector', 's1', '--type', 'rsa-2048+ed25519', '--out', out)
    expect(run.code).toBe(3)
    await expect(stat(out)).rejects.toThrow(/ENOENT/)
  })

  it('gives one JSON object with two files, two selectors and two records for rsa-2048+ed25519', async () => {
    const out = path.join(dir(), 'both.key')
    const run = await keygen('--selector', 'mail', '--type', 'rsa-2048+ed25519', '--out', out, '--json')
    expect(run.code).toBe(0)
    const result = JSON.parse(run.out)
    expect(Object.keys(result)).toEqual(['domain', 'type', 'files', 'records', 'snippets', 'advice'])
    expect(result.files).toEqual([
      { selector: 'mail', algorithm: 'rsa', path: out, mode: '0600' },
      { selector: 'mail-ed', algorithm: 'ed25519', path: path.join(dir(), 'both-ed25519.key'), mode: '0600' },
    ])
    expect(result.records.map((r: { name: string }) => r.name)).toEqual([
      'mail._domainkey.example.org',
      'mail-ed._domainkey.example.org',
    ])
    for (const r of result.records) {
      expect(r.strings.join('')).toBe(r.value)
      for (const s of r.strings) expect(Buffer.byteLength(s)).toBeLessThanOrEqual(255)
    }
    expect((await stat(path.join(dir(), 'both-ed25519.key'))).mode & 0o777).toBe(0o600)
    const ids = result.advice.map((a: { id: string }) => a.id)
    expect(ids).toContain('keygen-ed25519-with-rsa')
    expect(ids).toContain('keygen-ed25519-format')
    expect(ids).toContain('keygen-selector-not-dated')
    expect(run.out).not.toContain('PRIVATE KEY')
  })

  it.each([
    [
      ['--selector', 's1', '--type', 'rsa-1024'],
      /--type is one of rsa-2048, rsa-3072, ed25519, rsa-2048\+ed25519/,
    ],
    [['--type', 'ed25519'], /needs --domain D and --selector S/],
    [['--selector', 'bad selector'], /--selector "bad selector" is not usable/],
    [['--selector', 's1', '--bogus'], /Unknown option '--bogus'/],
    [['--selector', 's1', 'extra'], /takes no "extra"/],
  ])('is a usage error (exit 2) for %j', async (args, message) => {
    const run = await keygen(...args)
    expect(run.code).toBe(2)
    expect(run.err).toMatch(message)
  })

  it('is a usage error for a bad domain', async () => {
    const run = await cli(['dkim', 'keygen', '--domain', 'localhost', '--selector', 's1'])
    expect(run.code).toBe(2)
    expect(run.err).toMatch(/--domain "localhost" is not usable: a domain name has at least two labels/)
  })

  it('says where the key went when --out is not given (./S._domainkey.D.private)', async () => {
    // The default is relative to the current directory; the test cannot chdir in a worker, so it
    // checks the path the plan chose and removes the file afterwards.
    const run = await keygen('--selector', `t${process.pid}`, '--json')
    expect(run.code).toBe(0)
    const [file] = JSON.parse(run.out).files
    try {
      expect(file.path).toBe(path.resolve(`t${process.pid}._domainkey.example.org.private`))
      expect((await stat(file.path)).mode & 0o777).toBe(0o600)
    } finally {
      await rm(file.path, { force: true })
    }
  })

  it('lists keygen in dkim --help', async () => {
    const run = await cli(['dkim', '--help'])
    expect(run.out).toContain('mailwarden dkim keygen --domain D --selector S')
  })

  it('dkim keygen --help is keygen’s own help, not verify’s', async () => {
    const run = await cli(['dkim', 'keygen', '--help'])
    expect(run.code).toBe(0)
    expect(run.out.startsWith('mailwarden dkim keygen')).toBe(true)
    expect(run.out).not.toContain('mailwarden dkim verify')
  })
})
