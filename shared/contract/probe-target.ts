// What the user asks the probe to look at, as the `probe.start` request carries it: free-text
// targets (an email address, a domain, a host, host:port, [IPv6]:port, or imaps://host style
// URLs) and, separately, the settings a mail client shows (protocol, host, port and the security
// label in that client's own words). The engine parses the text (core/probe/discovery/target.ts);
// this schema only bounds the input so a hostile caller cannot make the engine work for nothing.
import { z } from 'zod'
import { Finding, MailProtocol, Port, TlsSecurity, TransportSecurity } from './mail.js'
import { MailClientId } from './schemas.js'

/** One probe at a time looks at a handful of accounts; more is a mistake or an attack. */
export const PROBE_TARGETS_MAX = 16
/** An email address is at most 254 characters (RFC 5321 4.5.3.1.3); a URL form adds a little. */
export const PROBE_TARGET_TEXT_MAX = 320
/** `--port N` repeated; seven standard ports plus a few custom ones. */
export const PROBE_PORTS_MAX = 16

export const ProbeTargetText = z
  .string()
  .trim()
  .min(1, 'type an email address, a domain, a host or host:port')
  .max(PROBE_TARGET_TEXT_MAX, `a target is at most ${PROBE_TARGET_TEXT_MAX} characters`)
  .regex(/^[^\p{Cc}\s]+$/u, 'a target cannot contain spaces or control characters')

/** The settings as the user's client shows them, e.g. IMAP, mail.example.org, 993, "SSL/TLS". */
export const ClientServerSetting = z
  .object({
    protocol: MailProtocol,
    host: z
      .string()
      .trim()
      .min(1, 'a server name is required')
      .max(253, 'a server name is at most 253 characters')
      .regex(/^[^\p{Cc}\s/]+$/u, 'a server name cannot contain spaces, slashes or control characters'),
    port: Port,
    /** The connection-security choice as the client labels it: "SSL/TLS", "STARTTLS", "TLS", "Auto"... */
    security: z.string().trim().min(1, 'say which security the client is set to').max(80),
    /** Whose words `security` is in; decides what an ambiguous label such as "TLS" means. */
    client: MailClientId.optional(),
  })
  .strict()
export type ClientServerSetting = z.infer<typeof ClientServerSetting>

/** The fields, for a request that adds its own (probe.start's client, timeout...) with `.extend`. */
export const ProbeTargetFields = z
  .object({
    targets: z.array(ProbeTargetText).max(PROBE_TARGETS_MAX, `at most ${PROBE_TARGETS_MAX} targets at once`),
    servers: z.array(ClientServerSetting).max(PROBE_TARGETS_MAX).default([]),
    /** Ports to try on a bare host instead of the seven standard ones (the CLI's --port). */
    ports: z.array(Port).max(PROBE_PORTS_MAX).default([]),
  })
  .strict()

/** Refinement for any schema built on ProbeTargetFields: something to probe must be given. */
export function hasSomethingToProbe(request: { targets: unknown[]; servers: unknown[] }): boolean {
  return request.targets.length + request.servers.length > 0
}
export const NOTHING_TO_PROBE = 'give at least one target: an email address, a domain, a host or host:port'

export const ProbeTargetRequest = ProbeTargetFields.refine(hasSomethingToProbe, {
  message: NOTHING_TO_PROBE,
  path: ['targets'],
})
export type ProbeTargetRequest = z.infer<typeof ProbeTargetRequest>
export type ProbeTargetRequestInput = z.input<typeof ProbeTargetRequest>

/** Where an endpoint to probe came from. */
export const EndpointSource = z.enum([
  'user',
  'srv',
  'autoconfig-https',
  'ispdb',
  'mx',
  'autoconfig-http',
  'guess',
])
export type EndpointSource = z.infer<typeof EndpointSource>

export const ExpectedSecurity = z.enum([...TlsSecurity.options, 'unknown'])
export type ExpectedSecurity = z.infer<typeof ExpectedSecurity>

/** What the user's client setting means, once its label is understood. */
export const ClientSecurityMeaning = z
  .object({
    /** `by-port`: the client picks implicit TLS or STARTTLS from the port (Apple's "Use TLS/SSL"). */
    mode: z.enum([...TransportSecurity.options, 'auto', 'by-port']),
    /** "if available", "Auto": a network attacker can strip the STARTTLS offer and get plaintext. */
    downgradable: z.boolean(),
    /** "(Accept all certificates)": any certificate, so any interceptor, is accepted. */
    acceptsAnyCertificate: z.boolean(),
    label: z.string(),
    client: MailClientId.nullable(),
  })
  .strict()
export type ClientSecurityMeaning = z.infer<typeof ClientSecurityMeaning>

/**
 * What discovery holds against the source of an endpoint (a server list fetched over plain HTTP),
 * as a finding with an id of shared/knowledge/probe-findings.ts.
 */
export const SourceFinding = Finding
export type SourceFinding = Finding

/** One endpoint discovery proposes to probe. */
export const DiscoveredEndpoint = z
  .object({
    host: z.string(),
    port: Port,
    protocol: MailProtocol,
    expected: ExpectedSecurity,
    source: EndpointSource,
    /** HTTPS, DNS or the user's own words: trusted; plain-HTTP autoconfig or a guess: not. */
    trusted: z.boolean(),
    /** In words: "SRV _imaps._tcp.example.org", "https://autoconfig.example.org/...". */
    sourceDetail: z.string(),
    /** Every other source that proposed the same host:port, least trusted last. */
    alsoFrom: z.array(z.object({ source: EndpointSource, detail: z.string() }).strict()),
    /** What the user said their client uses, for explicit settings. */
    clientSetting: ClientSecurityMeaning.nullable(),
    /** Findings about the source (autoconfig over plain HTTP); they join the endpoint's findings. */
    sourceFindings: z.array(SourceFinding).max(8).optional(),
  })
  .strict()
export type DiscoveredEndpoint = z.infer<typeof DiscoveredEndpoint>

/** Something discovery learned that is not an endpoint: "_pop3._tcp says POP3 is not offered". */
export const DiscoveryNote = z
  .object({
    source: z.enum(['srv', 'mx', 'autoconfig', 'ispdb', 'guess', 'input']),
    subject: z.string(),
    message: z.string(),
  })
  .strict()
export type DiscoveryNote = z.infer<typeof DiscoveryNote>

/** One discovery step for progress: a DNS query or a file fetch, as it starts and ends. */
export const DiscoveryStep = z
  .object({
    kind: z.enum(['mx', 'srv', 'autoconfig', 'ispdb', 'guess']),
    subject: z.string(),
    status: z.enum(['started', 'found', 'empty', 'failed']),
    detail: z.string(),
  })
  .strict()
export type DiscoveryStep = z.infer<typeof DiscoveryStep>
