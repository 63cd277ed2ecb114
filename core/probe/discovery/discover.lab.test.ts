// Discovery against the real lab: dnsmasq answers MX/SRV/A, nginx serves the autoconfig files
// (HTTPS and plain HTTP), the ISP database copy, all verified with the lab CA. Timeouts are
// generous for a loaded 2-core machine; each answer normally takes milliseconds.
import fs from 'node:fs'
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getLab, type Lab } from '../../../e2e/lab/lab.js'
import type { DiscoveredEndpoint, DiscoveryStep } from '../../../shared/contract/probe-target.js'
import { renderJson, renderText } from '../../../shared/report/index.js'
import { createResolver, DnsError, type Resolver } from '../../dns/resolver.js'
import { probe } from '../run.js'
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

// Thunderbird's fallback when HTTPS fails: http://autoconfig.<domain>/. Here a real HTTP server on
// a loopback address serves a forged file for victim.test (the HTTPS attempts find nothing
// listening on 443) that sends IMAP to another domain's host and SMTP to a port without TLS.
describe('an autoconfig file over plain HTTP', () => {
  const ADDRESS = '127.0.13.80'
  const DOMAIN = 'victim.test'
  let server: http.Server
  let forged: Resolver
  const served: string[] = []

  beforeAll(async () => {
    const imapHost = lab.good.dovecot.host
    const file = `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="${DOMAIN}">
  <incomingServer type="imap"><hostname>${imapHost}</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
  <incomingServer type="pop3"><hostname>pop.${DOMAIN}</hostname><port>995</port><socketType>SSL</socketType></incomingServer>
  <outgoingServer type="smtp"><hostname>smtp.${DOMAIN}</hostname><port>587</port><socketType>plain</socketType></outgoingServer>
</emailProvider></clientConfig>`
    server = http.createServer((request, response) => {
      served.push(`${request.headers.host}${request.url}`)
      response.writeHead(200, { 'content-type': 'application/xml' }).end(file)
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(80, ADDRESS, resolve)
    })
    // The lab DNS for the lab's hosts; victim.test and its autoconfig host point at the forger.
    const none = (name: string) => Promise.reject(new DnsError('no-data', name, `${name}: no such record`))
    forged = {
      ...resolver,
      description: 'lab DNS with a forged victim.test',
      addresses: (host) =>
        host === DOMAIN || host === `autoconfig.${DOMAIN}`
          ? Promise.resolve([ADDRESS])
          : host.endsWith(`.${DOMAIN}`)
            ? Promise.reject(new DnsError('not-found', host, `${host} does not exist`))
            : resolver.addresses(host),
      mx: (d) => (d === DOMAIN ? none(d) : resolver.mx(d)),
      srv: (n) => (n.endsWith(`.${DOMAIN}`) ? none(n) : resolver.srv(n)),
      txt: (n) => (n.endsWith(DOMAIN) ? none(n) : resolver.txt(n)),
    }
  })

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('is a finding per server, bad for another domain’s host or no TLS, with the HTTPS failures in words', async () => {
    const result = await discover(parseTarget(`bob@${DOMAIN}`), {
      resolver: forged,
      extraCa: ca,
      ispdbUrl: null,
      timeoutMs: 4000,
    })
    expect(served).toContain(`autoconfig.${DOMAIN}/mail/config-v1.1.xml?emailaddress=bob%40${DOMAIN}`)
    const ids = (k: string) => byKey(result.endpoints, k)?.sourceFindings?.map((f) => f.id)
    expect(ids(`imap ${lab.good.dovecot.host}:993`)).toEqual(['autoconfig-over-http-other-domain'])
    expect(ids(`smtp smtp.${DOMAIN}:587`)).toEqual(['autoconfig-over-http-no-tls'])
    expect(ids(`pop3 pop.${DOMAIN}:995`)).toEqual(['autoconfig-over-http'])
    for (const e of result.endpoints)
      expect(e, key(e)).toMatchObject({ source: 'autoconfig-http', trusted: false })
    const finding = byKey(result.endpoints, `imap ${lab.good.dovecot.host}:993`)?.sourceFindings?.[0]
    expect(finding?.severity).toBe('bad')
    expect(finding?.detail).toContain(`${lab.good.dovecot.host} is not in ${DOMAIN}.`)
    // Both HTTPS attempts are named with what happened: nothing listens on 443 there.
    expect(finding?.detail).toContain(
      `Over HTTPS: Could not connect to https://autoconfig.${DOMAIN}/mail/config-v1.1.xml?emailaddress=bob%40${DOMAIN} (ECONNREFUSED); ` +
        `Could not connect to https://${DOMAIN}/.well-known/autoconfig/mail/config-v1.1.xml (ECONNREFUSED).`,
    )
  })

  it('makes the probed endpoint bad, and the JSON and the text say so', async () => {
    const report = await probe(
      { targets: [`bob@${DOMAIN}`], servers: [], ports: [] },
      { resolver: forged, caFile: lab.caPath, timeoutMs: 4000, client: 'thunderbird', ispdbUrl: null },
    )
    const imap = report.endpoints.find((e) => e.host === lab.good.dovecot.host && e.port === 993)
    // The server itself is fine (the real lab Dovecot); where it came from is not.
    expect(imap).toMatchObject({ security: 'implicit-tls', sourceTrusted: false, verdict: 'bad' })
    expect(imap?.findings[0]?.id).toBe('autoconfig-over-http-other-domain')
    const json = JSON.parse(renderJson(report)) as {
      endpoints: { host: string; source: string; trusted: boolean; findings: { id: string }[] }[]
    }
    const inJson = json.endpoints.find((e) => e.host === lab.good.dovecot.host)
    expect(inJson).toMatchObject({ source: 'autoconfig-http', trusted: false })
    expect(inJson?.findings.map((f) => f.id)).toContain('autoconfig-over-http-other-domain')
    expect(renderText(report)).toContain(
      'A file fetched over plain HTTP sends you to another domain’s server',
    )
  }, 30_000)
})
