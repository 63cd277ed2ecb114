// Results of the domain-level checks a probe of an address or a domain adds to its endpoints:
// MTA-STS (RFC 8461) and TLS-RPT (RFC 8460). Facts as found, then findings from
// shared/knowledge/domain-findings.ts. Computed by core/probe/domain/.
import { z } from 'zod'
import { Finding } from './mail.js'

/** A finding of a domain check; its id is a key of shared/knowledge/domain-findings.ts. */
export const DomainFindingRecord = Finding
export type DomainFindingRecord = Finding

export const MtaStsPolicy = z
  .object({
    version: z.string(),
    mode: z.enum(['enforce', 'testing', 'none']),
    mx: z.array(z.string()),
    maxAge: z.number().int(),
  })
  .strict()
export type MtaStsPolicy = z.infer<typeof MtaStsPolicy>

export const MtaStsFacts = z
  .object({
    domain: z.string(),
    /** The v=STSv1 TXT record, when exactly one valid record exists. */
    record: z.string().nullable(),
    id: z.string().nullable(),
    policyUrl: z.string(),
    /** HTTP status and media type of the policy fetch; null when it was not fetched or failed. */
    fetched: z.object({ status: z.number().int(), contentType: z.string().nullable() }).strict().nullable(),
    policy: MtaStsPolicy.nullable(),
    /** Each MX host of the domain and the policy pattern covering it (null: none). */
    mxHosts: z.array(z.object({ host: z.string(), pattern: z.string().nullable() }).strict()),
  })
  .strict()
export type MtaStsFacts = z.infer<typeof MtaStsFacts>

export const TlsRptFacts = z
  .object({
    domain: z.string(),
    record: z.string().nullable(),
    /** Where reports go: mailto: and https: URIs. */
    rua: z.array(z.string()),
  })
  .strict()
export type TlsRptFacts = z.infer<typeof TlsRptFacts>

export const DomainCheckFacts = z
  .object({
    mtaSts: z.object({ facts: MtaStsFacts, findings: z.array(DomainFindingRecord) }).strict(),
    tlsRpt: z.object({ facts: TlsRptFacts, findings: z.array(DomainFindingRecord) }).strict(),
  })
  .strict()
export type DomainCheckFacts = z.infer<typeof DomainCheckFacts>
