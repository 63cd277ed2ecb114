// The probe job's part of the contract: `probe.start` (a long run) and its report. The report's
// core is the shape the CLI prints with `--json` (issue 6): target, endpoints [{host, port,
// protocol, security, reason, source, tls {version, versionsAccepted, cipher, certificate},
// authBeforeTls, findings, verdict, clients}], extended with what a UI needs to explain it
// (capabilities before and after TLS, the chain, the transcript, timings, runtime notes).
// Every string that came from a server is data to show as text, never markup.
import { z } from 'zod'
import { Finding, MailProtocol, Port, TransportSecurity, Verdict } from './mail.js'
import {
  ClientSecurityMeaning,
  DiscoveredEndpoint,
  DiscoveryNote,
  DiscoveryStep,
  EndpointSource,
  hasSomethingToProbe,
  NOTHING_TO_PROBE,
  ProbeTargetFields,
} from './probe-target.js'
import { longRun } from './runs.js'
import { CONNECT_TIMEOUT_SECONDS, DnsServer, MailClientId } from './schemas.js'

/** The shortest and longest per-step timeout a request may ask for (tests pass small ones). */
export const PROBE_TIMEOUT_MS = { min: 100, max: CONNECT_TIMEOUT_SECONDS.max * 1000 } as const

export const ProbeStartRequest = ProbeTargetFields.extend({
  /** "IP[:PORT]": the DNS server to ask (the CLI's --dns); absent: the dnsServer setting. */
  dnsServer: DnsServer.optional(),
  /** A PEM file of extra CAs to trust (the CLI's --ca); absent: the extraCaFile setting. */
  caFile: z.string().min(1).max(4096).optional(),
  /** How long each step (connect, a reply, a handshake) may take; absent: connectTimeoutSeconds. */
  timeoutMs: z.number().int().min(PROBE_TIMEOUT_MS.min).max(PROBE_TIMEOUT_MS.max).optional(),
  /** Whose words the advice uses; absent: the mailClient setting. */
  client: MailClientId.optional(),
})
  .strict()
  .refine(hasSomethingToProbe, { message: NOTHING_TO_PROBE, path: ['targets'] })
export type ProbeStartRequest = z.infer<typeof ProbeStartRequest>
export type ProbeStartRequestInput = z.input<typeof ProbeStartRequest>

/** How the endpoint turned out to be secured, or that it did not answer. */
export const ProbeSecurity = z.enum([...TransportSecurity.options, 'unreachable'])
export type ProbeSecurity = z.infer<typeof ProbeSecurity>

/** Node's names for the versions (tls.TLSSocket.getProtocol()). */
export const TlsVersion = z.enum(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'])
export type TlsVersion = z.infer<typeof TlsVersion>
export const TLS_VERSIONS: readonly TlsVersion[] = TlsVersion.options

/** A finding about an endpoint; its id is a key of shared/knowledge/probe-findings.ts. */
export const ProbeFinding = Finding
export type ProbeFinding = Finding

/** Facts about one certificate of the chain. */
export const CertificateSummary = z
  .object({
    /** Distinguished names as one line: "CN=imap.lab.test, O=Mailwarden Lab". */
    subject: z.string(),
    issuer: z.string(),
    /** DNS:name and IP:address entries, in order. */
    subjectAltNames: z.array(z.string()),
    /** ISO 8601 dates. */
    notBefore: z.string(),
    notAfter: z.string(),
    /** Whole days until notAfter at probe time; negative once expired. */
    daysLeft: z.number().int(),
    serialNumber: z.string(),
    /** rsa, ec, ed25519, ed448, dsa... (Node's asymmetricKeyType), or "unknown". */
    keyType: z.string(),
    /** RSA modulus / EC curve size in bits; null when not known. */
    keyBits: z.number().int().nullable(),
    /** EC curve name (prime256v1...), null otherwise. */
    keyCurve: z.string().nullable(),
    /** e.g. sha256WithRSAEncryption, ecdsa-with-SHA384, ED25519 (from the DER). */
    signatureAlgorithm: z.string(),
    /** Upper-case hex with colons, as `openssl x509 -fingerprint -sha256` prints it. */
    fingerprintSha256: z.string(),
    /** SHA-256 of the SubjectPublicKeyInfo as "sha256/BASE64" (HPKP, ghostunnel; the tunnel's pin). */
    spkiSha256: z.string(),
    selfSigned: z.boolean(),
    isCa: z.boolean(),
  })
  .strict()
export type CertificateSummary = z.infer<typeof CertificateSummary>

/** The leaf certificate: the summary plus the verdicts of the checks against this endpoint. */
export const CertificateFacts = CertificateSummary.extend({
  /** The chain verifies to a trusted root (see TlsFacts.trustedAgainst) and is in date. */
  trusted: z.boolean(),
  /** Why it is not trusted, in words (null when trusted). */
  trustProblem: z.string().nullable(),
  /** The name the user gave matches per RFC 6125 / RFC 7817. */
  hostnameMatch: z.boolean(),
  expired: z.boolean(),
  notYetValid: z.boolean(),
}).strict()
export type CertificateFacts = z.infer<typeof CertificateFacts>

/**
 * Why a version could not be tried: this runtime's OpenSSL cannot offer it (a fact about this
 * machine, so also a note of the run), no answer in time, or the dialogue before TLS failed.
 */
export const UntestedVersionId = z.enum(['runtime-cannot-offer', 'no-answer', 'dialogue-failed'])
export type UntestedVersionId = z.infer<typeof UntestedVersionId>

/** A TLS version that could not be tried here: `id` decides, `reason` explains ("this runtime's OpenSSL ..."). */
export const UntestedVersion = z
  .object({ version: TlsVersion, id: UntestedVersionId.optional(), reason: z.string() })
  .strict()
export type UntestedVersion = z.infer<typeof UntestedVersion>

export const TlsFacts = z
  .object({
    /** The version negotiated by the main (TLS 1.2+) handshake, else by the best legacy attempt; null: none. */
    version: TlsVersion.nullable(),
    /** Each version a handshake limited to it succeeded with, oldest first. */
    versionsAccepted: z.array(TlsVersion),
    versionsRefused: z.array(TlsVersion),
    versionsUntested: z.array(UntestedVersion),
    /** OpenSSL name of the negotiated cipher (null when no handshake succeeded). */
    cipher: z.string().nullable(),
    /** IANA name of it (TLS_AES_256_GCM_SHA384...). */
    cipherStandardName: z.string().nullable(),
    /** The leaf certificate; null when the server sent none or no handshake succeeded. */
    certificate: CertificateFacts.nullable(),
    /** Leaf first: the path as verified (ending at the trusted CA, when one was found), then any other certificate the server sent. */
    chain: z.array(CertificateSummary),
    /** What trust was checked against: "the system trust store (…, 144 CAs) + /path/ca.pem (1)". */
    trustedAgainst: z.string(),
    /** The handshake error when no handshake succeeded. */
    error: z.string().nullable(),
  })
  .strict()
export type TlsFacts = z.infer<typeof TlsFacts>

export const CapabilityDiff = z
  .object({
    /** As sent: IMAP atoms, POP3 CAPA lines, EHLO keyword lines; null when not read. */
    beforeTls: z.array(z.string()).nullable(),
    afterTls: z.array(z.string()).nullable(),
    /** Compared case-insensitively: what TLS added (AUTH=PLAIN...) and took away (STARTTLS...). */
    added: z.array(z.string()),
    removed: z.array(z.string()),
  })
  .strict()
export type CapabilityDiff = z.infer<typeof CapabilityDiff>

export const TranscriptLine = z
  .object({
    from: z.enum(['client', 'server']),
    /** Bounded; `tls` marks lines exchanged after the upgrade. */
    text: z.string(),
    tls: z.boolean(),
  })
  .strict()
export type TranscriptLine = z.infer<typeof TranscriptLine>

/** Milliseconds from the endpoint's start; null for a step that did not happen. */
export const ProbeTimings = z
  .object({
    connectMs: z.number().nullable(),
    greetingMs: z.number().nullable(),
    tlsMs: z.number().nullable(),
    versionsMs: z.number().nullable(),
    totalMs: z.number(),
  })
  .strict()
export type ProbeTimings = z.infer<typeof ProbeTimings>

/** Bytes a server sent after its STARTTLS OK and before the handshake (CVE-2011-0411 class). */
export const InjectionFacts = z.object({ bytes: z.number().int(), excerpt: z.string() }).strict()
export type InjectionFacts = z.infer<typeof InjectionFacts>

/**
 * What one client should be set to for this endpoint (filled by P3's explainEndpoint in
 * shared/knowledge/): the label to choose, where it lives, and any warning about the current one.
 */
export const ClientAdvice = z
  .object({
    client: MailClientId,
    name: z.string(),
    /** The label to pick in that client ("SSL/TLS"), or null when the endpoint should not be used. */
    choose: z.string().nullable(),
    where: z.string(),
    port: Port,
    /** Sentences: the mismatch to avoid, "accept all certificates" dangers... */
    notes: z.array(z.string()),
    /** Where the wording was checked (a URL or "not checked"). */
    checked: z.string(),
  })
  .strict()
export type ClientAdvice = z.infer<typeof ClientAdvice>

export const EndpointReport = z
  .object({
    /** Stable within a run: "imap.lab.test:993" (progress events refer to it). */
    key: z.string(),
    host: z.string(),
    port: Port,
    /** The IP connected to (null when the name did not resolve). */
    address: z.string().nullable(),
    /** As identified from the greeting (may differ from what discovery expected). */
    protocol: MailProtocol,
    /** What discovery expected, when the greeting said otherwise ("port 143 speaks POP3"). */
    expectedProtocol: MailProtocol.nullable(),
    security: ProbeSecurity,
    /** One sentence: why this security ("offers STARTTLS and it worked", "timed out: likely blocked"). */
    reason: z.string(),
    source: EndpointSource,
    sourceTrusted: z.boolean(),
    sourceDetail: z.string(),
    /** What the user said their client is set to, for explicit settings. */
    clientSetting: ClientSecurityMeaning.nullable(),
    tls: TlsFacts.nullable(),
    /** Login methods offered before TLS: "LOGIN", "AUTH=PLAIN" (IMAP), "USER", "SASL PLAIN" (POP3), "AUTH PLAIN" (SMTP). */
    authBeforeTls: z.array(z.string()),
    /** The greeting lines as sent (bounded). */
    greeting: z.array(z.string()),
    preauth: z.boolean(),
    injection: InjectionFacts.nullable(),
    capabilities: CapabilityDiff,
    findings: z.array(ProbeFinding),
    verdict: Verdict,
    /** Keyed by MailClientId; {} when no explainer is available. */
    clients: z.record(z.string(), ClientAdvice),
    transcript: z.array(TranscriptLine),
    timings: ProbeTimings,
    /** What could not be tested on this runtime, in sentences. */
    notes: z.array(z.string()),
  })
  .strict()
export type EndpointReport = z.infer<typeof EndpointReport>

/**
 * MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) of a mail domain, as the report shows them; built by
 * core/probe/run.ts from core/probe/domain/'s facts (shared/contract/domain-checks.ts).
 */
export const DomainCheckStatus = z.enum([...Verdict.options, 'absent', 'error'])
export type DomainCheckStatus = z.infer<typeof DomainCheckStatus>

export const DomainChecks = z
  .object({
    domain: z.string(),
    mtaSts: z
      .object({
        status: DomainCheckStatus,
        /** The _mta-sts TXT record as found. */
        record: z.string().nullable(),
        /** enforce / testing / none, from the policy file. */
        mode: z.string().nullable(),
        mx: z.array(z.string()),
        maxAgeSeconds: z.number().int().nullable(),
        policyUrl: z.string().nullable(),
        detail: z.string(),
      })
      .strict(),
    tlsRpt: z
      .object({
        status: DomainCheckStatus,
        record: z.string().nullable(),
        /** rua= destinations. */
        reportTo: z.array(z.string()),
        detail: z.string(),
      })
      .strict(),
    findings: z.array(ProbeFinding),
  })
  .strict()
export type DomainChecks = z.infer<typeof DomainChecks>

/** Which trust store the certificates were checked against (core/net/trust-store.ts). */
export const TrustStoreFacts = z
  .object({
    /** runtime-system: the runtime read the OS store; os-file: a bundle file of the OS was read;
     * node-bundled: Node's own copy of the Mozilla roots (the OS store could not be read). */
    kind: z.enum(['runtime-system', 'os-file', 'node-bundled']),
    /** The file read, for os-file. */
    location: z.string().nullable(),
    certificates: z.number().int(),
    description: z.string(),
    /** Why the OS store was not used, when it was not. */
    note: z.string().nullable(),
  })
  .strict()
export type TrustStoreFacts = z.infer<typeof TrustStoreFacts>

export const ProbeReport = z
  .object({
    /** What the user asked, as one line ("alice@lab.test"). */
    target: z.string(),
    startedAt: z.string(),
    durationMs: z.number(),
    /** "system resolver" or "DNS server 127.0.10.53:53". */
    resolver: z.string(),
    /** Trust anchors used for every endpoint: "the system trust store (/etc/ssl/certs/ca-certificates.crt, 144 CAs) + /path/ca.pem (1)". */
    trustedAgainst: z.string(),
    trustStore: TrustStoreFacts,
    client: MailClientId,
    endpoints: z.array(EndpointReport),
    discovery: z.object({ steps: z.array(DiscoveryStep), notes: z.array(DiscoveryNote) }).strict(),
    /** MTA-STS and TLS-RPT of each mail domain probed (an address or a domain; none for a host). */
    domains: z.array(DomainChecks),
    /** The worst endpoint verdict (good when there is none); at least warn when a host sweep found
     * no standard port open. A closed port of a sweep is `good` with an info finding. */
    verdict: Verdict,
    /** Run-wide notes: "TLS 1.0 could not be tried on this runtime", "no explainer available". */
    notes: z.array(z.string()),
  })
  .strict()
export type ProbeReport = z.infer<typeof ProbeReport>

/** Progress per endpoint: discovered (the list), connecting, done (with its result); plus discovery steps. */
export const ProbeProgress = z.discriminatedUnion('stage', [
  z.object({ stage: z.literal('discovery'), step: DiscoveryStep }).strict(),
  z
    .object({
      stage: z.literal('discovered'),
      endpoints: z.array(DiscoveredEndpoint.extend({ key: z.string() }).strict()),
    })
    .strict(),
  z.object({ stage: z.literal('connecting'), key: z.string() }).strict(),
  z.object({ stage: z.literal('done'), key: z.string(), endpoint: EndpointReport }).strict(),
  z.object({ stage: z.literal('domain'), checks: DomainChecks }).strict(),
])
export type ProbeProgress = z.infer<typeof ProbeProgress>

export const probeRun = longRun({
  request: ProbeStartRequest,
  progress: ProbeProgress,
  result: ProbeReport,
  summary: 'Probe mail servers: discover, connect, STARTTLS, TLS versions, certificate; report as it goes.',
})

/** Checks a CA file before it is saved (the Settings page shows the problem next to the field). */
export const CaFileCheckRequest = z.object({ path: z.string().min(1).max(4096) }).strict()
export const CaFileCheckResult = z
  .object({
    /** One sentence saying what is wrong (missing, not a full path, no certificate...), or null. */
    problem: z.string().nullable(),
    /** The certificates found when there is no problem. */
    certificates: z.number().int(),
  })
  .strict()
export type CaFileCheckResult = z.infer<typeof CaFileCheckResult>

export const probeOperations = {
  'probe.start': probeRun.operation,
  'probe.checkCaFile': {
    request: CaFileCheckRequest,
    response: CaFileCheckResult,
    summary: 'Check a PEM file of CA certificates before it is saved as the extra CA file.',
  },
} as const

export const probeEvents = {
  'probe.progress': probeRun.progressEvent,
  'probe.finished': probeRun.finishedEvent,
} as const
