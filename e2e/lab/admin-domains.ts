// Test domains for `mailwarden domain check` (an administrator's own domain): one domain per case
// of DKIM key records, the DomainKeys policy, SPF and DMARC, under the lab domain. One more zone,
// NO_DMARC_ZONE, has no DMARC record anywhere above it (lab.test publishes p=reject, which every
// name under it inherits through the RFC 9989 tree walk); it holds the classic Exim setup.
// Cases that need their own Organizational Domain say psd=n, so lab.test's record is not reached.
import type { AdminKeys } from './admin-keys.js'
import { ADDR, DOMAIN } from './topology.js'

export const NO_DMARC_ZONE = 'nodmarc.test'

const at = (label: string) => `${label}.${DOMAIN}`

/** The domains the tests check, by case. */
export const ADMIN = {
  /** The classic Exim DKIM howto: selector x, 1024 bits, t=y; "_domainkey" policy o=~; no DMARC. */
  classic: NO_DMARC_ZONE,
  weak512: at('dkim-512'),
  split: at('dkim-split'),
  /** Selectors s2026a (2048), ed (Ed25519) and big (3072); SPF and DMARC p=reject done right. */
  good: at('good'),
  revoked: at('dkim-revoked'),
  /** Selectors notdkim, sha1, strict (t=s), garbage (p= not a key), v2 (v=DKIM2), two, other (s=tlsrpt),
   * dsa (k=dsa); an ADSP record. */
  odd: at('dkim-odd'),
  spfOver: at('spf-over'),
  spfChain: at('spfchain'),
  /** 60 includes deep: the walk must stop at its own cap (SPF_MAX_WALK_LOOKUPS), not follow all. */
  spfEndless: at('spf-endless'),
  spfLoop: at('spf-loop'),
  spfVoid: at('spf-void'),
  spfPassAll: at('spf-all'),
  spfNeutral: at('spf-neutral'),
  spfTwo: at('spf-two'),
  spfNoAll: at('spf-noall'),
  spfBad: at('spf-bad'),
  /** Macros (RFC 7208 7): include:%{d}._spf.lab.test and exists:%{i}._spf.%{d}. */
  spfMacro: at('spf-macro'),
  /** A malformed macro (%{x}): a permanent error. */
  spfMacroBad: at('spf-macro-bad'),
  /** %{p}, the sender's reverse DNS name: a warning like ptr (not in the pyspf list: needs PTR). */
  spfMacroPtr: at('spf-macro-ptr'),
  dmarcPct: at('dmarc-pct'),
  dmarcNone: at('dmarc-none'),
  dmarcUnauthorized: at('dmarc-ext'),
  dmarcAuthorized: at('dmarc-auth'),
  /** Where the two above send reports; authorizes only dmarc-auth. */
  reports: at('reports'),
  dmarcOrg: at('dmarc-org'),
  /** No record of its own: the tree walk finds dmarc-org's. */
  dmarcSub: `mail.${at('dmarc-org')}`,
  /** Eleven labels: the walk cuts to seven before climbing. */
  dmarcDeep: `a.b.c.d.e.f.g.h.${at('dmarc-org')}`,
  dmarcMulti: at('dmarc-multi'),
  dmarcSyntax: at('dmarc-syntax'),
  dmarcMisc: at('dmarc-misc'),
  dmarcPsd: at('dmarc-psd'),
  dmarcNoRua: at('dmarc-norua'),
  dmarcNoPolicy: at('dmarc-nop'),
} as const

export interface AdminRecords {
  txt: { name: string; values: string[] }[]
  hosts: { name: string; address: string }[]
  mx: { name: string; exchange: string }[]
}

const dkim = (key: string, extra = '') => `v=DKIM1; k=rsa;${extra} p=${key}`
const goodSpf = `v=spf1 ip4:${ADDR.exim} -all`
const rua = (domain: string) => `rua=mailto:dmarc@${domain}`

/** Each TXT name with its records (several values: several records at one name). */
function txtRecords(k: AdminKeys): AdminRecords['txt'] {
  const one = (name: string, value: string) => ({ name, values: [value] })
  const split = dkim(k.split2048.publicKeyBase64)
  const half = Math.floor(split.length / 2)
  const chain = [1, 2, 3, 4].map((n) => `c${n}.${ADMIN.spfChain}`)
  return [
    one(`x._domainkey.${ADMIN.classic}`, dkim(k.classic1024.publicKeyBase64, ' t=y;')),
    one(`_domainkey.${ADMIN.classic}`, 't=y; o=~;'),
    one(ADMIN.classic, 'v=spf1 a mx ~all'),
    one(`default._domainkey.${ADMIN.weak512}`, dkim(k.weak512.publicKeyBase64)),
    { name: `default._domainkey.${ADMIN.split}`, values: [split.slice(0, half), split.slice(half)] },
    one(`s2026a._domainkey.${ADMIN.good}`, dkim(k.good2048.publicKeyBase64)),
    one(`ed._domainkey.${ADMIN.good}`, `v=DKIM1; k=ed25519; p=${k.ed25519.publicKeyBase64}`),
    one(`big._domainkey.${ADMIN.good}`, dkim(k.big3072.publicKeyBase64)),
    one(ADMIN.good, goodSpf),
    one(`_dmarc.${ADMIN.good}`, `v=DMARC1; p=reject; psd=n; ${rua(ADMIN.good)}`),
    one(`default._domainkey.${ADMIN.revoked}`, 'v=DKIM1; k=rsa; p='),
    one(`notdkim._domainkey.${ADMIN.odd}`, 'google-site-verification=abcdef0123456789'),
    one(`sha1._domainkey.${ADMIN.odd}`, dkim(k.sha1only2048.publicKeyBase64, ' h=sha1;')),
    one(`strict._domainkey.${ADMIN.odd}`, dkim(k.good2048.publicKeyBase64, ' t=s;')),
    one(`garbage._domainkey.${ADMIN.odd}`, 'v=DKIM1; k=rsa; p=AAAAAAAAAAAA'),
    one(`v2._domainkey.${ADMIN.odd}`, `v=DKIM2; k=rsa; p=${k.good2048.publicKeyBase64}`),
    {
      name: `two._domainkey.${ADMIN.odd}`,
      values: [dkim(k.good2048.publicKeyBase64), dkim(k.big3072.publicKeyBase64)],
    },
    one(`other._domainkey.${ADMIN.odd}`, dkim(k.good2048.publicKeyBase64, ' s=tlsrpt;')),
    one(`dsa._domainkey.${ADMIN.odd}`, `v=DKIM1; k=dsa; p=${k.good2048.publicKeyBase64}`),
    one(`_adsp._domainkey.${ADMIN.odd}`, 'dkim=all'),
    // SPF: a chain of includes, three lookups per level (a, mx, include), 13 in all.
    one(ADMIN.spfOver, `v=spf1 include:${chain[0]} -all`),
    ...chain.map((name, i) => one(name, `v=spf1 a mx${chain[i + 1] ? ` include:${chain[i + 1]}` : ''} ~all`)),
    ...Array.from({ length: 60 }, (_, n) =>
      one(
        n === 0 ? ADMIN.spfEndless : `e${n}.${ADMIN.spfEndless}`,
        `v=spf1 include:e${n + 1}.${ADMIN.spfEndless} -all`,
      ),
    ),
    one(ADMIN.spfLoop, `v=spf1 include:loop.${ADMIN.spfLoop} -all`),
    one(`loop.${ADMIN.spfLoop}`, `v=spf1 include:${ADMIN.spfLoop} -all`),
    one(
      ADMIN.spfVoid,
      `v=spf1 a:gone1.${DOMAIN} a:gone2.${DOMAIN} mx:gone3.${DOMAIN} include:gone4.${DOMAIN} -all`,
    ),
    one(ADMIN.spfPassAll, `v=spf1 ip4:${ADDR.exim} +all`),
    one(ADMIN.spfNeutral, `v=spf1 ptr ?all`),
    { name: ADMIN.spfTwo, values: [goodSpf, 'v=spf1 mx -all'] },
    one(ADMIN.spfBad, 'v=spf1 ip4:300.1.2.3 -all'),
    one(ADMIN.spfNoAll, `v=spf1 ip4:${ADDR.exim}`),
    one(ADMIN.spfMacro, `v=spf1 include:%{d}._spf.${DOMAIN} exists:%{i}._spf.%{d} -all`),
    one(`${ADMIN.spfMacro}._spf.${DOMAIN}`, `v=spf1 ip4:${ADDR.exim} -all`),
    one(ADMIN.spfMacroPtr, `v=spf1 a:%{p}._spf.${DOMAIN} ip4:${ADDR.exim} -all`),
    one(ADMIN.spfMacroBad, `v=spf1 exists:%{x}._spf.${DOMAIN} -all`),
    // DMARC
    one(`_dmarc.${ADMIN.dmarcPct}`, `v=DMARC1; p=quarantine; pct=25; psd=n; ${rua(ADMIN.dmarcPct)}`),
    one(`_dmarc.${ADMIN.dmarcNone}`, `v=DMARC1; p=none; psd=n; ${rua(ADMIN.dmarcNone)}`),
    one(`_dmarc.${ADMIN.dmarcUnauthorized}`, `v=DMARC1; p=reject; psd=n; ${rua(ADMIN.reports)}`),
    one(`_dmarc.${ADMIN.dmarcAuthorized}`, `v=DMARC1; p=reject; psd=n; ${rua(ADMIN.reports)}`),
    one(`${ADMIN.dmarcAuthorized}._report._dmarc.${ADMIN.reports}`, 'v=DMARC1;'),
    one(`_dmarc.${ADMIN.reports}`, `v=DMARC1; p=reject; psd=n; ${rua(ADMIN.reports)}`),
    one(`_dmarc.${ADMIN.dmarcOrg}`, `v=DMARC1; p=reject; sp=quarantine; psd=n; ${rua(ADMIN.dmarcOrg)}`),
    {
      name: `_dmarc.${ADMIN.dmarcMulti}`,
      values: [`v=DMARC1; p=reject; ${rua(ADMIN.dmarcMulti)}`, `v=DMARC1; p=none; ${rua(ADMIN.dmarcMulti)}`],
    },
    one(`_dmarc.${ADMIN.dmarcSyntax}`, `v=DMARC1; p=reject;; ${rua(ADMIN.dmarcSyntax)}`),
    one(
      `_dmarc.${ADMIN.dmarcMisc}`,
      `v=DMARC1; p=reject; sp=none; np=quarantine; adkim=s; t=y; ri=3600; rf=afrf; fo=1; psd=n; aspf=x; ruf=mailto:fail@${ADMIN.dmarcMisc}; rua=mailto:agg@${ADMIN.dmarcMisc},reports-at-nowhere`,
    ),
    one(`_dmarc.${ADMIN.dmarcPsd}`, `v=DMARC1; p=reject; psd=y; ${rua(ADMIN.dmarcPsd)}`),
    one(`_dmarc.${ADMIN.dmarcNoRua}`, 'v=DMARC1; p=reject; psd=n'),
    one(`_dmarc.${ADMIN.dmarcNoPolicy}`, `v=DMARC1; psd=n; ${rua(ADMIN.dmarcNoPolicy)}`),
  ]
}

export function adminRecords(keys: AdminKeys): AdminRecords {
  const chain = [1, 2, 3, 4].map((n) => `c${n}.${ADMIN.spfChain}`)
  return {
    txt: txtRecords(keys),
    hosts: [
      ADMIN.classic,
      `mail.${ADMIN.classic}`,
      ...chain,
      // exists:%{i}._spf.%{d} of spfMacro lists the lab's Exim (the example sender 192.0.2.1 is not).
      `${ADDR.exim}._spf.${ADMIN.spfMacro}`,
    ].map((name) => ({ name, address: ADDR.exim })),
    mx: [ADMIN.classic, ...chain].map((name) => ({ name, exchange: `mail.${DOMAIN}` })),
  }
}
