// Discovery against the real lab: dnsmasq answers MX/SRV/A, nginx serves the autoconfig files
// (HTTPS and plain HTTP), the ISP database copy, all verified with the lab CA. Timeouts are
// generous for a loaded 2-core machine; each answer normally takes milliseconds.
import fs from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { getLab, type Lab } from '../../../e2e/lab/lab.js'
import type { DiscoveredEndpoint, DiscoveryStep } from '../../../shared/contract/probe-target.js'
import { createResolver, DnsError, type Resolver } from '../../dns/resolver.js'
import { discover } from './discover.js'
import { parseTarget } from './target.js'

let lab: Lab
let resolver: Resolver
let ca: string

beforeAll(() => {
  lab = getLab()
  resolver = createResolver({ server: lab.dns.server, timeoutMs: 4000 })
  ca = fs.readFileSync(lab.caPath, 'utf8')
})

const key = (e: DiscoveredEndpoint) => `${e.protocol} ${e.host}:${e.port}`
const byKey = (endpoints: DiscoveredEndpoint[], k: string) => endpoints.find((e) => key(e) === k)

describe('discovery of the lab domain', () => {
  it('finds alice@lab.test’s servers from SRV, MX, both autoconfig URLs and the ISP database', async () => {
    const steps: DiscoveryStep[] = []
    const result = await discover(parseTarget('alice@lab.test'), {
      resolver,
      extraCa: ca,
      ispdbUrl: lab.web.urls.ispdbBase,
      timeoutMs: 6000,
      onStep: (s) => steps.push(s),
    })
    expect(result.failure).toBeNull()
    expect(result.domain).toBe('lab.test')
    expect(result.endpoints.map(key).sort()).toEqual(
      [
        'imap imap.lab.test:143',
        'imap imap.lab.test:993',
        'pop3 pop.lab.test:110',
        'pop3 pop.lab.test:995',
        'smtp smtp.lab.test:465',
        'smtp smtp.lab.test:587',
        'smtp mail.lab.test:25',
        // Only the ISP database copy names the Perdition proxy.
        'imap proxy.lab.test:143',
        'imap proxy.lab.test:993',
      ].sort(),
    )
    const imaps = byKey(result.endpoints, 'imap imap.lab.test:993')
    expect(imaps).toMatchObject({ source: 'srv', trusted: true, expected: 'implicit-tls' })
    expect(imaps?.sourceDetail).toBe('SRV _imaps._tcp.lab.test → imap.lab.test:993')
    const also = imaps?.alsoFrom.map((a) => `${a.source} ${a.detail.replace(/\?.*$/, '')}`)
    expect(also).toEqual([
      `autoconfig-https ${lab.web.urls.autoconfigHttps}`,
      `autoconfig-https ${lab.web.urls.wellKnownHttps}`,
      `autoconfig-http ${lab.web.urls.autoconfigHttp}`,
      `autoconfig-http ${lab.web.urls.wellKnownHttp}`,
    ])
    expect(byKey(result.endpoints, 'imap imap.lab.test:143')).toMatchObject({ expected: 'starttls' })
    expect(byKey(result.endpoints, 'smtp mail.lab.test:25')).toMatchObject({
      source: 'mx',
      trusted: true,
      expected: 'starttls',
      sourceDetail: 'MX 10 mail.lab.test of lab.test',
    })
    expect(byKey(result.endpoints, 'imap proxy.lab.test:993')).toMatchObject({
      source: 'ispdb',
      trusted: true,
      sourceDetail: `${lab.web.urls.ispdbBase}lab.test`,
    })
    // Trusted sources described every protocol, so nothing was guessed (Thunderbird's order).
    expect(result.endpoints.some((e) => e.source === 'guess')).toBe(false)
    expect(result.mx).toEqual([{ exchange: 'mail.lab.test', priority: 10 }])
    // The address was sent as Thunderbird sends it.
    expect(
      steps.some((s) => s.kind === 'autoconfig' && s.subject.endsWith('?emailaddress=alice%40lab.test')),
    ).toBe(true)
    for (const kind of ['mx', 'srv', 'autoconfig', 'ispdb'] as const)
      expect(steps.filter((s) => s.kind === kind && s.status === 'found').length, kind).toBeGreaterThan(0)
    expect(result.notes).toEqual([])
  })

  it('guesses the common names that resolve, marked untrusted, when asked to always guess', async () => {
    const steps: DiscoveryStep[] = []
    const result = await discover(parseTarget('lab.test'), {
      resolver,
      extraCa: ca,
      ispdbUrl: null,
      guess: 'always',
      timeoutMs: 6000,
      onStep: (s) => steps.push(s),
    })
    const guessed = result.endpoints.filter((e) => e.source === 'guess')
    // mail.lab.test (Exim) and the bare domain (the web server) are only guesses; imap./pop./smtp.
    // were already known from SRV and stay trusted, with the guess recorded beside them.
    expect(guessed.map(key).sort()).toEqual(
      [
        'imap mail.lab.test:993',
        'imap mail.lab.test:143',
        'pop3 mail.lab.test:995',
        'pop3 mail.lab.test:110',
        'smtp mail.lab.test:465',
        'smtp mail.lab.test:587',
        'imap lab.test:993',
        'imap lab.test:143',
        'pop3 lab.test:995',
        'pop3 lab.test:110',
        'smtp lab.test:465',
        'smtp lab.test:587',
      ].sort(),
    )
    expect(guessed.every((e) => !e.trusted)).toBe(true)
    const imap = byKey(result.endpoints, 'imap imap.lab.test:993')
    expect(imap?.source).toBe('srv')
    expect(imap?.alsoFrom.some((a) => a.source === 'guess')).toBe(true)
    // pop3.lab.test does not exist in the lab DNS: looked up, not guessed.
    expect(steps.find((s) => s.subject === 'pop3.lab.test' && s.status !== 'started')?.status).toBe('empty')
    expect(result.endpoints.some((e) => e.host === 'pop3.lab.test')).toBe(false)
  })

  it('without SRV and without the lab CA, keeps only what plain HTTP served, marked untrusted', async () => {
    // The lab DNS, but answering MX and SRV as if the domain published none.
    const noSrv: Resolver = {
      ...resolver,
      description: 'lab DNS without MX/SRV',
      addresses: (h) => resolver.addresses(h),
      txt: (n) => resolver.txt(n),
      mx: async (d) => Promise.reject(new DnsError('no-data', d, `${d} has no MX`)),
      srv: async (n) => Promise.reject(new DnsError('no-data', n, `${n} has no SRV`)),
    }
    const steps: DiscoveryStep[] = []
    const result = await discover(parseTarget('alice@lab.test'), {
      resolver: noSrv,
      ispdbUrl: lab.web.urls.ispdbBase,
      timeoutMs: 6000,
      onStep: (s) => steps.push(s),
    })
    expect(result.endpoints.map(key).sort()).toEqual(
      [
        'imap imap.lab.test:143',
        'imap imap.lab.test:993',
        'pop3 pop.lab.test:110',
        'pop3 pop.lab.test:995',
        'smtp smtp.lab.test:465',
        'smtp smtp.lab.test:587',
      ].sort(),
    )
    for (const e of result.endpoints)
      expect(e, key(e)).toMatchObject({ source: 'autoconfig-http', trusted: false })
    // The HTTPS files and the ISP database were refused for their certificate, and that is said.
    const refused = steps.filter(
      (s) => s.status === 'failed' && /certificate|self-signed|issuer/i.test(s.detail),
    )
    expect(refused.map((s) => s.kind).sort()).toEqual(['autoconfig', 'autoconfig', 'ispdb'])
    expect(result.notes.filter((n) => /certificate|issuer/i.test(n.message))).toHaveLength(3)
  })

  it('says when the domain does not exist, and when DNS refuses to answer', async () => {
    const missing = await discover(parseTarget('nobody@nowhere.lab.test'), {
      resolver,
      ispdbUrl: null,
      timeoutMs: 2000,
    })
    expect(missing.endpoints).toEqual([])
    expect(missing.failure).toMatch(/nowhere\.lab\.test does not exist in DNS/)
    // The lab DNS has no upstream: it refuses example.org.
    const refused = await discover(parseTarget('example.org'), { resolver, ispdbUrl: null, timeoutMs: 2000 })
    expect(refused.endpoints).toEqual([])
    expect(refused.failure).toMatch(/DNS did not answer for example\.org/)
  })

  it('stops when cancelled', async () => {
    const controller = new AbortController()
    const work = discover(parseTarget('alice@lab.test'), {
      resolver,
      extraCa: ca,
      ispdbUrl: lab.web.urls.ispdbBase,
      signal: controller.signal,
    })
    controller.abort()
    await expect(work).rejects.toThrow(/abort/i)
  })

  it('passes a host, host:port and client settings through as the user gave them', async () => {
    const host = await discover(parseTarget(lab.good.dovecot.host), { resolver })
    expect(host.endpoints.map((e) => e.port).sort((a, b) => a - b)).toEqual([
      25, 110, 143, 465, 587, 993, 995,
    ])
    expect(host.endpoints.every((e) => e.source === 'user' && e.trusted)).toBe(true)
    const one = await discover(parseTarget(`[::1]:993`), { resolver })
    expect(one.endpoints).toMatchObject([
      { host: '::1', port: 993, protocol: 'imap', expected: 'implicit-tls' },
    ])
  })
})
