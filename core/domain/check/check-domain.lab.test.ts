// The whole `domain check` against the lab: the classic Exim domain's first steps, the DomainKeys
// and ADSP records, and the CLI (text, JSON, exit codes 0, 1 and 2) run as `mailwarden` runs.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ADMIN } from '../../../e2e/lab/admin-domains.js'
import { adminKeyFile } from '../../../e2e/lab/admin-keys.js'
import { inProcessCli } from '../../cli/test-support/run-cli.js'
import { checkDomain } from './check-domain.js'
import { checkDomainKeysPolicy } from './domainkeys-policy.js'
import { ids, labResolver } from './test-support/lab.js'

const { lab, resolver } = labResolver()
const { cli, dir } = inProcessCli('mw-cli-domain-')

describe('domain check (lab)', () => {
  it('tells the classic Exim setup what to change first, in order', async () => {
    const report = await checkDomain(ADMIN.classic, { resolver })
    expect(report.verdict).toBe('bad')
    expect(ids(report.findings)).toEqual([
      'dkim-testing',
      'dkim-key-weak',
      'domainkeys-policy',
      'dmarc-absent',
      'dkim-key-found',
      'spf-present',
    ])
    expect(report.firstSteps).toHaveLength(3)
    expect(report.firstSteps[0]).toMatch(/^Make a new 2048-bit DKIM key .*WITHOUT t=y/)
    expect(report.firstSteps[1]).toMatch(/^Publish a DMARC record/)
    expect(report.firstSteps[2]).toMatch(/^Delete the historic DomainKeys/)
  })

  it('explains the DomainKeys policy record and says which DMARC record replaces it', async () => {
    const policy = await checkDomainKeysPolicy(ADMIN.classic, { resolver })
    expect(policy.record).toBe('t=y; o=~;')
    expect(ids(policy.findings)).toEqual(['domainkeys-policy'])
    const [f] = policy.findings
    expect(f?.detail).toContain('o=~: some mail from the domain is signed')
    expect(f?.detail).toContain('RFC 5617')
    expect(f?.fix).toContain(
      `"v=DMARC1; p=none; rua=mailto:dmarc-reports@${ADMIN.classic}" at _dmarc.${ADMIN.classic}`,
    )
    const adsp = await checkDomainKeysPolicy(ADMIN.odd, { resolver })
    expect(ids(adsp.findings)).toEqual(['adsp-record'])
  })

  it('exits 0 for a domain with only notes, and the text carries every finding of the JSON', async () => {
    // Records only: good.lab.test receives no mail (no MX, no address), which the MX phase calls bad.
    const args = ['domain', 'check', ADMIN.good, '--selector', 's2026a', '--dns', lab.dns.server, '--no-mx']
    const text = await cli(...args)
    const json = await cli(...args, '--json')
    expect(text.code).toBe(0)
    expect(json.code).toBe(0)
    const report = JSON.parse(json.out)
    expect(report.verdict).toBe('good')
    expect(report).toMatchObject({ mx: null, dane: null })
    expect(text.out).toContain('MX, port 25, MTA-STS, TLS-RPT and DANE were not checked (--no-mx).')
    const textIds = [...text.out.matchAll(/ \[([a-z0-9-]+)\]$/gm)].map((m) => m[1])
    expect(textIds).toEqual(report.findings.map((f: { id: string }) => f.id))
  })

  it('exits 1 when problems are found, and checks --private-key', async () => {
    const classic = await cli('domain', 'check', ADMIN.classic, '--dns', lab.dns.server)
    expect(classic.code).toBe(1)
    expect(classic.out).toContain('What to change first:')
    const mismatch = await cli(
      'domain',
      'check',
      ADMIN.good,
      '--selector',
      's2026a',
      '--dns',
      lab.dns.server,
      '--private-key',
      adminKeyFile(lab.stateDir, 'big3072'),
    )
    expect(mismatch.code).toBe(1)
    expect(mismatch.out).toContain('[dkim-private-key-mismatch]')
  })

  it('exits 2 on unusable input', async () => {
    const garbage = path.join(dir(), 'not-a-key.pem')
    await writeFile(garbage, 'hello')
    // No DNS server answers: nothing was learned about the domain.
    const dead = await cli('domain', 'check', ADMIN.good, '--dns', '127.0.10.254')
    expect(dead.code).toBe(2)
    expect(dead.err).toContain('no DNS lookup answered')
    for (const args of [
      ['domain', 'check'],
      ['domain', 'verify', ADMIN.good],
      ['domain', 'check', 'not a domain'],
      ['domain', 'check', ADMIN.good, '--selector', 'bad selector'],
      ['domain', 'check', ADMIN.good, '--dns', 'nameserver.example'],
      ['domain', 'check', ADMIN.good, '--private-key', garbage],
      ['domain', 'check', ADMIN.good, '--selector', 's2026a', '--private-key', garbage],
      [
        'domain',
        'check',
        ADMIN.good,
        '--selector',
        's2026a',
        '--private-key',
        path.join(dir(), 'missing.pem'),
      ],
    ]) {
      const run = await cli(...args)
      expect({ args, code: run.code }).toEqual({ args, code: 2 })
      expect(run.err).not.toBe('')
    }
  })
})
