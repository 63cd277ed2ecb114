// `mailwarden probe` against the lab, run as the CLI runs (runCli with a fresh config directory):
// exit codes, the table, and the --json shape of issue 6.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { getLab } from '../../../e2e/lab/lab.js'
import { createEngine } from '../../engine.js'
import { runCli } from '../main.js'

const lab = getLab()
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-cli-probe-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function cli(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, {
    io: { out: (t) => out.push(t), err: (t) => err.push(t) },
    staticDir: dir,
    stopSignal: new Promise(() => {}),
    readStdin: async () => '',
    makeEngine: (shell) => createEngine({ configDir: dir, shell }),
  })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const LAB = ['--dns', lab.dns.server, '--ca', lab.caPath, '--timeout', '3000']

describe('mailwarden probe (lab)', () => {
  it('probes the seven standard ports of a host and prints one JSON object in the issue’s shape (exit 0)', async () => {
    const { code, out, err } = await cli('probe', lab.good.dovecot.host, ...LAB, '--json')
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(out.split('\n')).toHaveLength(1)
    const json = JSON.parse(out)
    expect(Object.keys(json)).toEqual(['target', 'endpoints'])
    expect(json.endpoints.map((e: { port: number }) => e.port)).toEqual([143, 993, 110, 995, 25, 465, 587])
    const byPort = Object.fromEntries(json.endpoints.map((e: { port: number }) => [e.port, e]))
    expect(byPort[993]).toMatchObject({ protocol: 'imap', security: 'implicit-tls', verdict: 'good' })
    expect(byPort[143]).toMatchObject({ protocol: 'imap', security: 'starttls', verdict: 'good' })
    expect(byPort[995].tls.certificate).toMatchObject({
      trusted: true,
      hostnameMatch: true,
      selfSigned: false,
    })
    expect(byPort[995].tls.versionsAccepted).toEqual(['TLSv1.2', 'TLSv1.3'])
    expect(byPort[25].security).toBe('unreachable')
    expect(byPort[993].clients.thunderbird.choose).toBe('SSL/TLS')
    expect(Object.keys(byPort[993])).toEqual([
      'host',
      'port',
      'protocol',
      'security',
      'reason',
      'source',
      'trusted',
      'tls',
      'authBeforeTls',
      'findings',
      'verdict',
      'clients',
    ])
  })

  it('prints a table in the chosen client’s words, then findings and advice', async () => {
    const { code, out } = await cli(
      'probe',
      `${lab.good.exim.host}:465`,
      `${lab.good.exim.host}:587`,
      ...LAB,
      '--client',
      'evolution',
    )
    expect(code).toBe(0)
    expect(out).toMatch(/^Endpoint +Protocol +Security +Certificate +TLS versions +Verdict$/m)
    expect(out).toMatch(
      /^smtp\.lab\.test:465 +SMTP +TLS on a dedicated port \(implicit TLS\) +trusted, name matches/m,
    )
    expect(out).toMatch(/^smtp\.lab\.test:587 +SMTP +STARTTLS after connecting \(STARTTLS\)/m)
    expect(out).toContain('set "Encryption method" to "TLS on a dedicated port"')
  })

  it('exits 1 when an endpoint is bad: plaintext with a password accepted before TLS', async () => {
    const { code, out } = await cli('probe', `${lab.flawed.plaintext.host}:143`, ...LAB, '--json')
    expect(code).toBe(1)
    const [endpoint] = JSON.parse(out).endpoints
    expect(endpoint).toMatchObject({ security: 'plaintext', verdict: 'bad', tls: null })
    expect(endpoint.clients.thunderbird.choose).toBeNull()
  })

  it('exits 2 when the probe cannot run: a name the DNS does not know', async () => {
    const { code, err } = await cli('probe', 'nosuchhost.lab.test', ...LAB)
    expect(code).toBe(2)
    expect(err).toMatch(/^The probe could not run: .*resolve.*DNS server 127\.0\.10\.53/i)
  })

  it('exits 2 on a wrong command line, with one sentence', async () => {
    expect(await cli('probe', ...LAB)).toMatchObject({
      code: 2,
      err: expect.stringMatching(/Give at least one email address/),
    })
    expect(await cli('probe', 'x.lab.test', '--port', '0')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--port must be/),
    })
    expect(await cli('probe', 'x.lab.test', '--client', 'pine')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/Unknown --client "pine"/),
    })
    expect(await cli('probe', 'x.lab.test', '--dns', 'my-router')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/not a DNS server/),
    })
    expect(await cli('probe', 'x.lab.test', '--ca', '/nonexistent.pem')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/cannot be read/),
    })
    expect(await cli('probe', 'x.lab.test', '--bogus')).toMatchObject({ code: 2 })
  })
})
