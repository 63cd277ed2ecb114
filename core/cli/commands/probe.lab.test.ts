// `mailwarden probe` against the lab, run as the CLI runs (runCli with a fresh config directory):
// exit codes, the table, and the --json shape of issue 6.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { getLab } from '../../../e2e/lab/lab.js'
import { inProcessCli } from '../test-support/run-cli.js'

const lab = getLab()
const { cli, dir } = inProcessCli('mw-cli-probe-', { eachTest: true })

const LAB = ['--dns', lab.dns.server, '--ca', lab.caPath, '--timeout', '3000']

describe('mailwarden probe (lab)', () => {
  it('probes the seven standard ports of a host and prints one JSON object in the issue’s shape (exit 0)', async () => {
    const { code, out, err } = await cli('probe', lab.good.dovecot.host, ...LAB, '--json')
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(out.split('\n')).toHaveLength(1)
    const json = JSON.parse(out)
    expect(Object.keys(json).slice(0, 2)).toEqual(['target', 'endpoints'])
    // A host has no mail domain: no MTA-STS / TLS-RPT section.
    expect(json.domains).toEqual([])
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
    expect(Object.keys(byPort[993]).slice(0, 12)).toEqual([
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

  it('carries the mail domain’s MTA-STS and TLS-RPT checks and every finding the text shows (issue 13)', async () => {
    const text = await cli('probe', lab.domain, ...LAB)
    const json = await cli('probe', lab.domain, ...LAB, '--json')
    expect(text.code).toBe(0)
    expect(json.code).toBe(0)
    expect(text.out).toContain(`Mail domain ${lab.domain}`)
    const report = JSON.parse(json.out)
    expect(report.verdict).toBe('good')
    expect(report.domains).toHaveLength(1)
    const [domain] = report.domains
    expect(domain).toMatchObject({
      domain: lab.domain,
      mtaSts: { status: 'good', mode: 'enforce', record: expect.stringMatching(/^v=STSv1;/) },
      tlsRpt: { status: 'good', record: expect.stringMatching(/^v=TLSRPTv1;/) },
    })
    // Every finding id the text prints ("[id]"), for endpoints and the domain, is in the JSON.
    const textIds = [...text.out.matchAll(/ \[([a-z0-9-]+)\]$/gm)].map((m) => m[1])
    const jsonIds = [
      ...report.endpoints.flatMap((e: { findings: { id: string }[] }) => e.findings.map((f) => f.id)),
      ...domain.findings.map((f: { id: string }) => f.id),
    ]
    expect(textIds).toEqual(expect.arrayContaining(['mta-sts-mode-enforce', 'tlsrpt-present']))
    expect(new Set(jsonIds)).toEqual(new Set(textIds))
    // And the advice line printed for each endpoint.
    for (const e of report.endpoints) for (const s of e.advice.sentences) expect(text.out).toContain(s)
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
      err: expect.stringMatching(/^--ca: The CA file \/nonexistent\.pem cannot be read: it does not exist/),
    })
    // A file that is there but holds no certificate is refused before anything is probed.
    await writeFile(path.join(dir(), 'notes.txt'), 'not a certificate\n')
    expect(await cli('probe', 'x.lab.test', '--ca', path.join(dir(), 'notes.txt'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^--ca: The CA file .*notes\.txt holds no usable PEM certificate/),
    })
    expect(await cli('probe', 'x.lab.test', '--bogus')).toMatchObject({ code: 2 })
  })
})
