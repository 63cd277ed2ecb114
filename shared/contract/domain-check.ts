// `domain.check`: everything a receiver checks about the administrator's own domain, as the CLI's
// `domain check` reports it (core/domain/check/): DKIM key records per selector, the historic
// DomainKeys policy, SPF (RFC 7208), DMARC (RFC 9989, with its DNS tree walk), the MX hosts with
// port 25, MTA-STS and TLS-RPT (the probe's own checks), and DANE (RFC 7672). Findings are from
// shared/knowledge/{domain-check,mx,dane,domain,probe}-findings.ts.
import { z } from 'zod'
import { MtaStsFacts, TlsRptFacts } from './domain-checks.js'
import { Finding } from './mail.js'
import { EndpointReport } from './probe.js'
import { longRun } from './runs.js'
import { DnsServer } from './schemas.js'

const Findings = z.array(Finding)

export const DkimKeyFacts = z
  .object({
    keyType: z.string(),
    bits: z.number().int(),
    testing: z.boolean(),
    strictIdentity: z.boolean(),
    hashes: z.array(z.string()).nullable(),
    /** With --private-key: whether the published key is its public half. */
    matchesPrivateKey: z.boolean().optional(),
  })
  .strict()
export type DkimKeyFacts = z.infer<typeof DkimKeyFacts>

export const DkimSelectorResult = z
  .object({
    selector: z.string(),
    name: z.string(),
    /** Who uses this selector by default ("Google Workspace"), or null when the user named it. */
    source: z.string().nullable(),
    status: z.enum(['key', 'revoked', 'unusable', 'absent', 'failed']),
    records: z.array(z.string()),
    key: DkimKeyFacts.nullable(),
    findings: Findings,
  })
  .strict()
export type DkimSelectorResult = z.infer<typeof DkimSelectorResult>

export const DkimCheck = z
  .object({
    /** How many selectors were asked (the common list, or the user's). */
    selectorsTried: z.number().int(),
    /** Only the selectors that have a record, and every selector the user named. */
    selectors: z.array(DkimSelectorResult),
    findings: Findings,
  })
  .strict()
export type DkimCheck = z.infer<typeof DkimCheck>

export const DomainKeysPolicyCheck = z
  .object({ record: z.string().nullable(), adspRecord: z.string().nullable(), findings: Findings })
  .strict()
export type DomainKeysPolicyCheck = z.infer<typeof DomainKeysPolicyCheck>

export const SpfResult = z.enum(['none', 'neutral', 'pass', 'fail', 'softfail', 'temperror', 'permerror'])
export type SpfResult = z.infer<typeof SpfResult>

export const SpfLookup = z
  .object({
    /** The term that caused it ("include:_spf.example.com", "mx", "redirect=…"), with its domain. */
    term: z.string(),
    /** The domain asked (a macro's expansion for the example sender). */
    domain: z.string(),
    void: z.boolean(),
  })
  .strict()
export type SpfLookup = z.infer<typeof SpfLookup>

export const SpfCheck = z
  .object({
    record: z.string().nullable(),
    /** Terms that count against the limit of 10, in evaluation order, through includes and redirects. */
    lookups: z.array(SpfLookup),
    voidLookups: z.number().int(),
    /** The all term that ends the top record ("-all"), or null. */
    all: z.string().nullable(),
    /**
     * What receivers conclude (RFC 7208 2.6) for mail from a server the record does not list:
     * the error when the record is broken, else what its all (or no all) says.
     */
    unlistedResult: SpfResult,
    findings: Findings,
  })
  .strict()
export type SpfCheck = z.infer<typeof SpfCheck>

export const DmarcTags = z.record(z.string(), z.string())
export type DmarcTags = z.infer<typeof DmarcTags>

export const DmarcCheck = z
  .object({
    /** The name whose record applies (_dmarc.DOMAIN or an organizational domain's), or null. */
    recordName: z.string().nullable(),
    record: z.string().nullable(),
    tags: DmarcTags.nullable(),
    /** True when the record is not the domain's own but found by the tree walk. */
    inherited: z.boolean(),
    organizationalDomain: z.string().nullable(),
    /** The names the tree walk asked, in order (at most 8). */
    queried: z.array(z.string()),
    findings: Findings,
  })
  .strict()
export type DmarcCheck = z.infer<typeof DmarcCheck>

export const MxHostCheck = z
  .object({
    name: z.string(),
    preference: z.number().int(),
    implicit: z.boolean(),
    target: z.enum(['host', 'ip-literal', 'invalid']),
    cname: z.string().nullable(),
    mtaSts: z.object({ pattern: z.string().nullable() }).strict().nullable(),
    endpoint: EndpointReport.omit({ clients: true }).nullable(),
    notProbed: z.string().nullable(),
    findings: Findings,
  })
  .strict()
export type MxHostCheck = z.infer<typeof MxHostCheck>

export const MxCheck = z
  .object({
    domain: z.string(),
    kind: z.enum(['mx', 'implicit', 'null', 'absent', 'dns-failed']),
    records: z.array(z.object({ preference: z.number().int(), exchange: z.string() }).strict()),
    hosts: z.array(MxHostCheck),
    mtaSts: z.object({ facts: MtaStsFacts, findings: Findings }).strict().nullable(),
    tlsRpt: z.object({ facts: TlsRptFacts, findings: Findings }).strict().nullable(),
    findings: Findings,
    notes: z.array(z.string()),
  })
  .strict()
export type MxCheck = z.infer<typeof MxCheck>

/** How DANE authenticated a host's certificate (RFC 7672 3.1): DANE-EE, DANE-TA, or not. */
const DaneAuth = z.enum(['dane-ee', 'dane-ta']).nullable()

export const DaneReport = z
  .object({
    resolver: z.string(),
    domain: z.string().optional(),
    mxValidated: z.boolean().optional(),
    hosts: z.array(
      z
        .object({
          host: z.string(),
          validated: z.boolean(),
          tlsaBase: z.string(),
          cname: z.string().nullable(),
          tlsa: z.array(z.string()),
          chain: z.array(z.string()),
          addresses: z.array(
            z
              .object({
                address: z.string(),
                chain: z.array(z.string()),
                outcome: z.string(),
                auth: DaneAuth,
              })
              .strict(),
          ),
          addressesNotChecked: z.array(z.string()),
          auth: DaneAuth,
          findings: Findings,
        })
        .strict(),
    ),
    findings: Findings,
  })
  .strict()
export type DaneReport = z.infer<typeof DaneReport>

export const DomainCheckReport = z
  .object({
    domain: z.string(),
    resolver: z.string(),
    dkim: DkimCheck,
    domainKeysPolicy: DomainKeysPolicyCheck,
    spf: SpfCheck,
    dmarc: DmarcCheck,
    /** How the domain receives mail; null only when the user skipped it (skipMx, --no-mx). */
    mx: MxCheck.nullable(),
    /**
     * DANE of the MX hosts through `daneResolver`; null when not run: skipped, no MX host to check
     * (null MX, none, lookup failed), or no resolver address known (see `notes`).
     */
    dane: DaneReport.nullable(),
    /** The "IP:PORT" DANE asked (--dns, else the first nameserver of /etc/resolv.conf); null: none. */
    daneResolver: z.string().nullable(),
    /** Every finding of every phase, most serious first (ids from the phases' tables). */
    findings: Findings,
    /** What was not checked and why (phases skipped, a resolver not found). */
    notes: z.array(z.string()),
    /** What to change first, in order (see FIRST_STEPS). */
    firstSteps: z.array(z.string()),
    /** bad when any finding is bad, warn when any is a warning, else good. */
    verdict: z.enum(['good', 'warn', 'bad']),
  })
  .strict()
export type DomainCheckReport = z.infer<typeof DomainCheckReport>

export const DomainCheckRequest = z
  .object({
    domain: z.string().trim().min(1).max(253),
    /** Selectors to look up; empty: the common ones (shared/knowledge). */
    selectors: z.array(z.string().trim().min(1).max(63)).max(20).default([]),
    /** "IP[:PORT]": the DNS server to ask; absent: the dnsServer setting, else the system's. */
    dnsServer: DnsServer.optional(),
    /** Skip the MX hosts (port 25, MTA-STS, DANE): the records only. */
    skipMx: z.boolean().default(false),
  })
  .strict()
export type DomainCheckRequest = z.infer<typeof DomainCheckRequest>

/** The phase that started: the records and the MX hosts together, then DANE. */
export const DomainCheckProgress = z.object({ phase: z.enum(['records', 'dane']) }).strict()

export const domainCheckRun = longRun({
  request: DomainCheckRequest,
  progress: DomainCheckProgress,
  result: DomainCheckReport,
  summary: 'Check a domain as receivers do: DKIM keys, DomainKeys policy, SPF, DMARC, MX with MTA-STS, DANE.',
})
