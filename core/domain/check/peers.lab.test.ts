// Differential tests against independent implementations, on the lab's admin test domains:
// python3-spf (pyspf, Debian) and mailauth 7's SPF (mailauth/lib/spf) for the SPF result of mail
// from a server no record lists, and mailauth's RFC 9989 policy discovery for which DMARC record
// applies and the Organizational Domain. Every disagreement must be listed below with its category; a listed one that stops
// disagreeing fails too, so the list stays true.
import { execFileSync } from 'node:child_process'
import { Resolver as NodeResolver } from 'node:dns/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ADMIN } from '../../../e2e/lab/admin-domains.js'
import { checkDmarc } from './dmarc.js'
import { checkSpf } from './spf.js'
import { labResolver } from './test-support/lab.js'

const { lab, resolver } = labResolver()
const here = path.dirname(fileURLToPath(import.meta.url))
/** In TEST-NET-1 (RFC 5737): no lab record lists it. */
const UNLISTED_IP = '192.0.2.1'

/** Disagreements by design, by domain: [what we say, what the peer says, why]. */
type Disagreements = Record<string, [string, string, string]>

const PYSPF_DISAGREEMENTS: Disagreements = {
  // Category "sender-dependent": ptr is evaluated against the connecting server's reverse DNS.
  // We do not evaluate it (there is no sender); pyspf asks 1.2.0.192.in-addr.arpa, which the lab's
  // dnsmasq refuses (no upstream), so pyspf says temperror where a real resolver would say neutral.
  [ADMIN.spfNeutral]: ['neutral', 'temperror', 'ptr needs the sender’s reverse DNS'],
  // The same category through a macro: %{p} is the sender's validated reverse name (RFC 7208 7.3);
  // we take "unknown" as the RFC allows, pyspf asks the refused PTR lookup.
  [ADMIN.spfMacroPtr]: ['fail', 'temperror', '%{p} needs the sender’s reverse DNS'],
}

/** None: mailauth takes the refused PTR lookup as "ptr does not match" (RFC 7208 5.5): neutral. */
const MAILAUTH_SPF_DISAGREEMENTS: Disagreements = {}

const SPF_DOMAINS = [
  ADMIN.classic,
  ADMIN.good,
  ADMIN.weak512,
  ADMIN.spfOver,
  ADMIN.spfEndless,
  ADMIN.spfLoop,
  ADMIN.spfVoid,
  ADMIN.spfPassAll,
  ADMIN.spfNeutral,
  ADMIN.spfTwo,
  ADMIN.spfBad,
  ADMIN.spfNoAll,
  ADMIN.spfMacro,
  ADMIN.spfMacroBad,
  ADMIN.spfMacroPtr,
]

/** Our result for each SPF domain beside the peer's; a difference must be documented, and only then. */
async function compareSpf(
  peerName: string,
  peer: Record<string, string | undefined>,
  documented: Disagreements,
) {
  const rows: string[] = []
  for (const domain of SPF_DOMAINS) {
    const ours = (await checkSpf(domain, { resolver })).unlistedResult
    const theirs = peer[domain]
    const listed = documented[domain]
    rows.push(
      ours === theirs
        ? `${domain}: ${ours}`
        : `${domain}: ours ${ours}, ${peerName} ${theirs} (${listed?.[2] ?? 'UNDOCUMENTED'})`,
    )
    if (listed) expect([ours, theirs]).toEqual(listed.slice(0, 2))
    else expect({ domain, result: ours }).toEqual({ domain, result: theirs })
  }
  expect(rows.length).toBe(SPF_DOMAINS.length)
  for (const domain of Object.keys(documented)) expect(SPF_DOMAINS).toContain(domain)
}

describe('differential: SPF against python3-spf', () => {
  it('gives the result pyspf gives for an unlisted server, or a documented disagreement', async () => {
    const peer = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [path.join(here, 'test-support/pyspf-results.py'), lab.dns.server, UNLISTED_IP, ...SPF_DOMAINS],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      ),
    ) as Record<string, [string, string]>
    await compareSpf(
      'pyspf',
      Object.fromEntries(SPF_DOMAINS.map((d) => [d, peer[d]?.[0]])),
      PYSPF_DISAGREEMENTS,
    )
  })
})

/** mailauth 7's SPF check (RFC 7208) of mail from UNLISTED_IP, asking the lab DNS through node:dns. */
async function mailauthSpf(domain: string): Promise<string> {
  const require = createRequire(import.meta.url)
  const { spf } = require('mailauth/lib/spf') as {
    spf(opts: {
      sender: string
      ip: string
      helo: string
      mta: string
      maxElapsedTime: number
      resolver(name: string, type: string): Promise<unknown>
    }): Promise<{ status: { result: string } }>
  }
  const dns = new NodeResolver({ timeout: 2000, tries: 1 })
  dns.setServers([lab.dns.server])
  const result = await spf({
    sender: `postmaster@${domain}`,
    ip: UNLISTED_IP,
    helo: 'peer.invalid',
    mta: 'peer.invalid',
    maxElapsedTime: 20_000,
    resolver: (name, type) => dns.resolve(name, type),
  })
  return result.status.result
}

describe('differential: SPF against mailauth', () => {
  it('gives the result mailauth gives for an unlisted server, or a documented disagreement', async () => {
    const peer: Record<string, string> = {}
    for (const domain of SPF_DOMAINS) peer[domain] = await mailauthSpf(domain)
    await compareSpf('mailauth', peer, MAILAUTH_SPF_DISAGREEMENTS)
  })
})

/** mailauth's policy discovery, asked through node:dns on the lab's DNS server. */
async function mailauthDiscovery(domain: string) {
  const require = createRequire(import.meta.url)
  const { discoverPolicy, createRecordLookup } = require('mailauth/lib/dmarc/get-dmarc-record.js') as {
    discoverPolicy(
      domain: string,
      lookup: unknown,
    ): Promise<{ recordDomain: string | null; orgDomain: string | null }>
    createRecordLookup(resolver: (name: string, type: string) => Promise<string[][]>): unknown
  }
  const dns = new NodeResolver({ timeout: 2000, tries: 1 })
  dns.setServers([lab.dns.server])
  return discoverPolicy(
    domain,
    createRecordLookup((name) => dns.resolveTxt(name)),
  )
}

const DMARC_DOMAINS = [
  ADMIN.good,
  ADMIN.classic,
  ADMIN.weak512,
  ADMIN.dmarcSub,
  ADMIN.dmarcDeep,
  ADMIN.dmarcOrg,
  ADMIN.dmarcMulti,
  ADMIN.dmarcSyntax,
  ADMIN.dmarcPsd,
  `x.${ADMIN.dmarcPsd}`,
  ADMIN.dmarcNone,
  ADMIN.dmarcNoPolicy,
  ADMIN.reports,
]

describe('differential: DMARC discovery against mailauth (RFC 9989 tree walk)', () => {
  it('finds the same record and Organizational Domain', async () => {
    for (const domain of DMARC_DOMAINS) {
      const ours = await checkDmarc(domain, { resolver })
      const theirs = await mailauthDiscovery(domain)
      expect({
        domain,
        record: ours.recordName?.replace(/^_dmarc\./, '') ?? null,
        org: ours.organizationalDomain,
      }).toEqual({
        domain,
        record: theirs.recordDomain,
        org: theirs.orgDomain,
      })
    }
  })
})
