// The MX and DANE phases of `domain check` against the lab. Two resolvers, two zones: the lab's
// dnsmasq (lab.dns.server) serves lab.test with MX mail.lab.test, an enforced MTA-STS policy and
// TLS-RPT, unsigned; the validating unbound (lab.dnssec.resolver) serves the SIGNED lab.test of
// e2e/lab/dnssec.ts, which holds the DANE names (dane.lab.test: MX mx1 with matching TLSA and mx2
// with a stale one; ta.dane.lab.test: MX mail.lab.test with a DANE-TA record) and no MTA-STS.
// Then the CLI as `mailwarden` runs it (text, JSON, exit codes, the new options).
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ADMIN } from '../../../e2e/lab/admin-domains.js'
import { DANE_DOMAINS, DANE_HOSTS } from '../../../e2e/lab/dnssec.js'
import { inProcessCli } from '../../cli/test-support/run-cli.js'
import { createResolver } from '../../dns/resolver.js'
import { loadTrust, type TrustAnchors } from '../../probe/tls/trust.js'
import { checkDomain } from './check-domain.js'
import { ids, labResolver } from './test-support/lab.js'

const { lab, resolver } = labResolver()
const validating = createResolver({ server: lab.dnssec.resolver, timeoutMs: 4000 })
let trust: TrustAnchors
const { cli, cliStopped, dir } = inProcessCli('mw-cli-domain-mx-')

beforeAll(async () => {
  trust = await loadTrust(lab.caPath)
})

describe('domain check: MX and DANE phases (lab)', () => {
  it('lab.test through dnsmasq: MX mail.lab.test with good STARTTLS, MTA-STS enforced, DANE not validated', async () => {
    const report = await checkDomain(lab.domain, {
      resolver,
      selectors: [lab.dkim.selector],
      mail: { trust, daneResolver: lab.dns.server, timeoutMs: 4000 },
    })
    const mx = report.mx
    expect(mx?.kind).toBe('mx')
    expect(mx?.hosts.map((h) => h.name)).toEqual(['mail.lab.test'])
    const endpoint = mx?.hosts[0]?.endpoint
    expect(endpoint?.security).toBe('starttls')
    expect(endpoint?.tls?.certificate).toMatchObject({ trusted: true, hostnameMatch: true })
    expect(endpoint?.verdict).toBe('good')
    expect(mx?.mtaSts?.facts.policy?.mode).toBe('enforce')
    expect(mx?.hosts[0]?.mtaSts).toEqual({ pattern: 'mail.lab.test' })
    expect(ids(mx?.tlsRpt?.findings ?? [])).toEqual(['tlsrpt-present'])
    // dnsmasq does not validate: DANE never says protected, and with no TLSA at all it is a note.
    expect(report.dane?.mxValidated).toBe(false)
    expect(report.dane?.hosts.map((h) => h.validated)).toEqual([false])
    expect(ids(report.dane?.findings ?? [])).toEqual(['dane-unsigned-none', 'dane-none'])
    expect(report.daneResolver).toBe(lab.dns.server)
    // The phases' findings are in the list, most serious first, and nothing here is a problem.
    for (const id of ['mta-sts-mode-enforce', 'tlsrpt-present', 'dane-unsigned-none', 'dane-none'])
      expect(ids(report.findings)).toContain(id)
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([])
    expect(report.verdict).toBe('good')
    expect(report.notes).toEqual([])
  })

  it('dane.lab.test through the validating resolver: two MX hosts, one TLSA match and one mismatch', async () => {
    const report = await checkDomain(DANE_DOMAINS.signed, {
      resolver: validating,
      mail: { trust, daneResolver: lab.dnssec.resolver, timeoutMs: 4000 },
    })
    expect(report.mx?.hosts.map((h) => h.name)).toEqual([DANE_HOSTS.eeMatch, DANE_HOSTS.eeMismatch])
    expect(report.mx?.hosts.map((h) => h.endpoint?.security)).toEqual(['starttls', 'starttls'])
    expect(report.dane?.mxValidated).toBe(true)
    const byHost = Object.fromEntries(
      (report.dane?.hosts ?? []).map((h) => [h.host, [h.validated, ids(h.findings)]]),
    )
    expect(byHost).toEqual({
      [DANE_HOSTS.eeMatch]: [true, ['dane-match', 'dane-pkix-not-needed']],
      [DANE_HOSTS.eeMismatch]: [true, ['dane-mismatch']],
    })
    // Exim's certificate names smtp.lab.test, not the MX hosts: with a matching DANE-EE record
    // (RFC 7672 3.1.1) that is no longer bad, and a note says why; without a match it stays bad.
    const wrongHost = (i: number) =>
      report.mx?.hosts[i]?.endpoint?.findings.find((f) => f.id === 'cert-wrong-host')
    expect(wrongHost(0)?.severity).toBe('warn')
    expect(wrongHost(0)?.detail).toContain('Senders that use DANE accept it (DANE-EE')
    expect(wrongHost(1)?.severity).toBe('bad')
    const note = report.findings.find((f) => f.id === 'dane-pkix-not-needed')
    expect(note?.severity).toBe('info')
    expect(note?.detail).toContain('certificate is for another name [cert-wrong-host]')
    expect(report.verdict).toBe('bad')
    expect(report.findings[0]?.severity).toBe('bad')
    expect(ids(report.findings)).toContain('dane-mismatch')
    expect(report.firstSteps.some((s) => s.startsWith('Repair DANE first'))).toBe(true)
  })

  it('ta.dane.lab.test through the validating resolver: MX mail.lab.test, STARTTLS good, DANE-TA matches', async () => {
    const report = await checkDomain(DANE_DOMAINS.trustAnchor, {
      resolver: validating,
      mail: { trust, daneResolver: lab.dnssec.resolver, timeoutMs: 4000 },
    })
    const host = report.mx?.hosts[0]
    expect(host?.name).toBe('mail.lab.test')
    expect(host?.endpoint?.security).toBe('starttls')
    expect(host?.endpoint?.tls?.certificate).toMatchObject({ trusted: true, hostnameMatch: true })
    expect(ids(report.dane?.findings ?? [])).toEqual(['dane-match'])
    expect(report.dane?.findings[0]?.detail).toContain('DANE-TA')
  })

  it('skips DANE with a note when the domain has no mail server, and both phases with --no-mx', async () => {
    const absent = await checkDomain(ADMIN.good, {
      resolver,
      selectors: ['s2026a'],
      mail: { trust, daneResolver: lab.dns.server, timeoutMs: 4000 },
    })
    expect(absent.mx?.kind).toBe('absent')
    expect(ids(absent.findings)).toContain('mx-absent')
    expect(absent.dane).toBeNull()
    expect(absent.notes).toEqual(['DANE was not checked: the domain has no mail server.'])
    const recordsOnly = await checkDomain(ADMIN.good, { resolver, selectors: ['s2026a'] })
    expect(recordsOnly).toMatchObject({ mx: null, dane: null, daneResolver: null, verdict: 'good' })
    expect(recordsOnly.notes[0]).toContain('--no-mx')
  })
})

describe('mailwarden domain check with MX and DANE (lab, CLI)', () => {
  it('says each MX host, MTA-STS, TLS-RPT and DANE in words, and the JSON carries the same', async () => {
    const args = ['domain', 'check', DANE_DOMAINS.signed, '--dns', lab.dnssec.resolver, '--ca', lab.caPath]
    const text = await cli(...args)
    const json = await cli(...args, '--json')
    expect(text.code).toBe(1)
    expect(json.code).toBe(1)
    expect(text.out).toContain(`MX 10 ${DANE_HOSTS.eeMatch}, ${DANE_HOSTS.eeMatch}:25:`)
    expect(text.out).toMatch(/ {4}STARTTLS: yes \(/)
    expect(text.out).toMatch(/ {4}Certificate: trusted, WRONG HOST, \d+ days left/)
    expect(text.out).toContain('    TLS versions: TLSv1.2, TLSv1.3')
    expect(text.out).toContain(`MTA-STS: none (no valid record at _mta-sts.${DANE_DOMAINS.signed})`)
    expect(text.out).toContain(`DANE (asked ${lab.dnssec.resolver}; MX records validated):`)
    expect(text.out).toContain(`  ${DANE_HOSTS.eeMismatch}: 1 TLSA record(s), validated: dane-mismatch`)
    const report = JSON.parse(json.out)
    expect(report.mx.hosts).toHaveLength(2)
    expect(report.dane.resolver).toBe(lab.dnssec.resolver)
    const textIds = [...text.out.matchAll(/ \[([a-z0-9-]+)\]$/gm)].map((m) => m[1])
    expect(textIds).toEqual(report.findings.map((f: { id: string }) => f.id))
  })

  it('lab.test through dnsmasq with the lab CA: MTA-STS enforce, exit 0', async () => {
    const run = await cli(
      'domain',
      'check',
      lab.domain,
      '--selector',
      lab.dkim.selector,
      '--dns',
      lab.dns.server,
      '--ca',
      lab.caPath,
      '--timeout',
      '5',
    )
    expect(run.out).toContain('mode enforce')
    expect(run.out).toContain('    MTA-STS: covered by "mail.lab.test"')
    expect(run.out).toContain(`DANE (asked ${lab.dns.server}; MX records NOT validated):`)
    expect(run.code).toBe(0)
  })

  it('without --ca the lab certificate is not trusted (the option reaches port 25 and the policy fetch)', async () => {
    const run = await cli('domain', 'check', lab.domain, '--dns', lab.dns.server, '--json')
    const report = JSON.parse(run.out)
    expect(report.mx.hosts[0].endpoint.tls.certificate.trusted).toBe(false)
    expect(ids(report.mx.mtaSts.findings)).toContain('mta-sts-policy-certificate')
    expect(run.code).toBe(1)
  })

  it('exits 2 when cancelled (Ctrl-C) while port 25 is probed', async () => {
    const run = await cliStopped(
      new Promise((resolve) => setTimeout(() => resolve('SIGINT'), 20)),
      'domain',
      'check',
      lab.domain,
      '--dns',
      lab.dns.server,
      '--ca',
      lab.caPath,
    )
    expect(run.code).toBe(2)
    expect(run.err).toContain('cancelled')
    expect(run.out).toBe('')
  })

  it('exits 2 on a wrong --ca, --timeout or option mix', async () => {
    for (const args of [
      ['--ca', path.join(dir(), 'missing.pem')],
      ['--timeout', '0'],
      ['--timeout', 'soon'],
      ['--no-mx', '--timeout', '5'],
    ]) {
      const run = await cli('domain', 'check', lab.domain, '--dns', lab.dns.server, ...args)
      expect({ args, code: run.code }).toEqual({ args, code: 2 })
      expect(run.err).not.toBe('')
    }
  })
})
