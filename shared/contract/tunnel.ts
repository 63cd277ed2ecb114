// The tunnel job's part of the contract: tunnels persisted in settings (tunnel-config.ts), their
// live state, counters and connection records. Every string that came from a server (errors
// quoting a greeting) is data to show as text, never markup.
import { z } from 'zod'
import { MailProtocol, Port, TlsSecurity } from './mail.js'
import { CertificateSummary } from './probe.js'
import { operation } from './runs.js'
import { SpkiPin, TunnelConfig, TunnelDraft } from './tunnel-config.js'

/** Connection records kept per tunnel (a ring: the oldest is dropped first). */
export const TUNNEL_LOG_MAX_RECORDS = 500
/** Client command lines kept per connection record (the first ones: login, select...). */
export const TUNNEL_RECORD_MAX_COMMANDS = 20

export const TunnelId = z.string().regex(/^[a-z0-9-]{1,64}$/)

/** stopped: not listening; listening: accepting; failed: could not listen (lastError says why). */
export const TunnelStatus = z.enum(['stopped', 'listening', 'failed'])
export type TunnelStatus = z.infer<typeof TunnelStatus>

export const TunnelStats = z
  .object({
    /** Connections open now. */
    active: z.number().int().nonnegative(),
    /** Connections accepted since the tunnel started. */
    total: z.number().int().nonnegative(),
    /** Of those, how many ended in an error (upstream refused, certificate refused...). */
    failed: z.number().int().nonnegative(),
    /** Connections refused because the client address is not allowed. */
    rejected: z.number().int().nonnegative(),
    /** Login attempts the server refused (LOGIN/AUTHENTICATE NO, PASS -ERR, AUTH 535...). */
    loginsFailed: z.number().int().nonnegative(),
    /** Bytes from the local clients to the server, and from the server to the clients. */
    bytesToUpstream: z.number().int().nonnegative(),
    bytesToClients: z.number().int().nonnegative(),
  })
  .strict()
export type TunnelStats = z.infer<typeof TunnelStats>

/** The certificate a TLS local side shows the client (generated; its key stays in the keychain). */
export const LocalCertificate = z
  .object({
    /** sha256/BASE64 of its public key: what a device that pins keys is given. */
    pin: SpkiPin,
    /** Upper-case hex with colons, as `openssl x509 -fingerprint -sha256` prints it. */
    fingerprintSha256: z.string(),
    /** The subjectAltName entries (IP addresses, names) it is valid for. */
    names: z.array(z.string()).max(64),
    /** ISO 8601. */
    notAfter: z.string(),
    /** The certificate itself, PEM (public), to install on the device as trusted. */
    pem: z.string().max(16 * 1024),
  })
  .strict()
export type LocalCertificate = z.infer<typeof LocalCertificate>

/**
 * Why a tunnel's start-time check of its server did not verify it; each id has its words and fix in
 * shared/knowledge/tunnel-findings.ts. Ids decide the UI's fix actions, never the sentences.
 */
export const UpstreamCheckReason = z.enum([
  // cannot verify: the server answers, but its certificate is not one the tunnel may trust
  'self-signed',
  'untrusted-issuer',
  'expired',
  'not-yet-valid',
  'wrong-host',
  'pin-mismatch',
  'certificate-invalid',
  // unreachable: no verified session could be opened at all
  'dns',
  'connect',
  'tls-handshake',
  'starttls-refused',
  'preauth',
  'refused-session',
  'closed',
  'protocol',
])
export type UpstreamCheckReason = z.infer<typeof UpstreamCheckReason>

/** checking: under way; verified: the tunnel can reach and trust its server; else see reason. */
export const UpstreamCheckState = z.enum(['checking', 'verified', 'cannot-verify', 'unreachable'])
export type UpstreamCheckState = z.infer<typeof UpstreamCheckState>

/** The one check of the server a tunnel makes when it starts (and when its settings change). */
export const UpstreamCheck = z
  .object({
    state: UpstreamCheckState,
    /** Null when verified or still checking. */
    reason: UpstreamCheckReason.nullable(),
    /** What was seen, in words (the TLS library's or the server's), bounded; null when verified. */
    detail: z.string().max(2000).nullable(),
    /** The certificate the server showed (to compare its fingerprint before pinning it); null if none. */
    certificate: CertificateSummary.nullable(),
    /** ISO 8601; null while checking. */
    checkedAt: z.string().nullable(),
  })
  .strict()
export type UpstreamCheck = z.infer<typeof UpstreamCheck>

/** ready: the last upstream login with a token worked (or none was tried yet); needs-authorization:
 * no refresh token, or the provider refused it: the user signs in again; refresh-failed: the token
 * endpoint refused otherwise or could not be reached (lastError says which). */
export const TunnelOAuthStateName = z.enum(['ready', 'needs-authorization', 'refresh-failed'])
export type TunnelOAuthStateName = z.infer<typeof TunnelOAuthStateName>

/** The OAuth side of a tunnel with `oauth` (never a token or a password). */
export const TunnelOAuthState = z
  .object({
    accountId: z.string(),
    /** The mail address the upstream login is for; null when the account is not known (yet). */
    address: z.string().nullable(),
    state: TunnelOAuthStateName,
    /** Whether a local password is in the keychain; without one every client login is refused. */
    localPasswordSet: z.boolean(),
    /** The last failure of a token or of an upstream login with it, in one sentence. */
    lastError: z.string().max(2000).nullable(),
  })
  .strict()
export type TunnelOAuthState = z.infer<typeof TunnelOAuthState>

export const TunnelState = z
  .object({
    config: TunnelConfig,
    status: TunnelStatus,
    /** The address actually bound (listenPort 0 gives a free port); null unless listening. */
    listening: z.object({ host: z.string(), port: Port }).strict().nullable(),
    /** The last failure of the tunnel or of one of its connections, as a sentence. */
    lastError: z.string().max(2000).nullable(),
    /** ISO 8601; null when not listening. */
    startedAt: z.string().nullable(),
    stats: TunnelStats,
    /** The local side's certificate once generated (localTls implicit or starttls); else null. */
    localCertificate: LocalCertificate.nullable(),
    /** The start-time check of the server; null when not listening. A listening tunnel whose check
     * is not "verified" must not be shown as working. */
    check: UpstreamCheck.nullable(),
    /** The OAuth side when the tunnel has `oauth`; null otherwise. */
    oauth: TunnelOAuthState.nullable().default(null),
  })
  .strict()
export type TunnelState = z.infer<typeof TunnelState>

/**
 * ok: the session ran and closed; login-failed: it ran, but the server refused every login tried
 * (a wrong password); failed: upstream or TLS failure; rejected: client not allowed.
 */
export const ConnectionOutcome = z.enum([
  'ok',
  'login-failed',
  'failed',
  'rejected',
  'idle-timeout',
  'stopped',
])
export type ConnectionOutcome = z.infer<typeof ConnectionOutcome>

export const ConnectionRecord = z
  .object({
    tunnelId: TunnelId,
    /** Per tunnel, increasing. */
    seq: z.number().int().nonnegative(),
    /** "127.0.0.1:53422" */
    client: z.string(),
    /** "imap.example.net:993 (192.0.2.1)" */
    upstream: z.string(),
    startedAt: z.string(),
    durationMs: z.number().int().nonnegative(),
    bytesFromClient: z.number().int().nonnegative(),
    bytesToClient: z.number().int().nonnegative(),
    outcome: ConnectionOutcome,
    /** Why it failed, as told to the client too; null when ok. */
    error: z.string().max(2000).nullable(),
    /** The upstream TLS: "TLSv1.3 TLS_AES_256_GCM_SHA384", resumed or not; null before TLS. */
    tls: z
      .object({ version: z.string(), cipher: z.string(), resumed: z.boolean(), pinned: z.boolean() })
      .strict()
      .nullable(),
    /** The server's answer to the last login tried (never the password); null: no login seen. */
    login: z.enum(['ok', 'failed']).nullable(),
    /** Login attempts in this connection that the server refused. */
    loginsFailed: z.number().int().nonnegative(),
    /** The first client commands, LOGIN/AUTH/PASS arguments and SASL lines redacted. */
    commands: z.array(z.string().max(200)).max(TUNNEL_RECORD_MAX_COMMANDS),
  })
  .strict()
export type ConnectionRecord = z.infer<typeof ConnectionRecord>

const ById = z.object({ id: TunnelId }).strict()

export const TunnelUpdate = z.object({ id: TunnelId, patch: TunnelDraft.partial() }).strict()

/** The local password clients log in to an OAuth tunnel with; written, never read back. */
export const TunnelLocalPassword = z
  .object({
    id: TunnelId,
    /** Null deletes it (every client login is refused until a new one is set). */
    password: z.string().min(8, 'a local password has at least 8 characters').max(256).nullable(),
  })
  .strict()

export const TunnelInspectRequest = z
  .object({
    host: z.string().min(1).max(253),
    port: Port,
    mode: TlsSecurity,
    protocol: MailProtocol,
    caFile: z.string().max(4096).nullable().default(null),
  })
  .strict()

export const TunnelInspectResult = z
  .object({
    /** "imap.example.net:993" */
    upstream: z.string(),
    certificate: CertificateSummary,
    /** The pin to offer: the leaf's SPKI SHA-256 (sha256/BASE64). */
    pin: SpkiPin,
    /** Would the tunnel accept it without a pin (chain + host name + dates)? */
    verified: z.boolean(),
    /** Why not, in words; null when verified. */
    verifyError: z.string().nullable(),
    tlsVersion: z.string(),
  })
  .strict()
export type TunnelInspectResult = z.infer<typeof TunnelInspectResult>

export const tunnelOperations = {
  'tunnel.list': operation(
    z.object({}).strict(),
    z.object({ tunnels: z.array(TunnelState) }).strict(),
    'Every configured tunnel with its status and counters.',
  ),
  'tunnel.create': operation(
    TunnelDraft,
    TunnelState,
    'Add a tunnel (saved in settings; started when autoStart).',
  ),
  'tunnel.update': operation(
    TunnelUpdate,
    TunnelState,
    'Change a tunnel; a running one restarts with the change.',
  ),
  'tunnel.delete': operation(
    ById,
    z.object({ id: TunnelId, deleted: z.boolean() }).strict(),
    'Stop and remove a tunnel.',
  ),
  'tunnel.start': operation(ById, TunnelState, 'Start listening (conflict when the port is in use).'),
  'tunnel.stop': operation(ById, TunnelState, 'Stop listening and close its connections.'),
  'tunnel.log': operation(
    z
      .object({ id: TunnelId, limit: z.number().int().min(1).max(TUNNEL_LOG_MAX_RECORDS).default(100) })
      .strict(),
    z.object({ records: z.array(ConnectionRecord) }).strict(),
    'The most recent connection records of a tunnel, newest first.',
  ),
  'tunnel.setLocalPassword': operation(
    TunnelLocalPassword,
    TunnelState,
    'Set (or delete) the local password of an OAuth tunnel, kept only in the keychain and never returned.',
  ),
  'tunnel.inspect': operation(
    TunnelInspectRequest,
    TunnelInspectResult,
    "Connect once to a server and return its certificate and SPKI pin (to offer pinning with the user's consent).",
  ),
} as const

export const tunnelEvents = {
  /** A tunnel started, stopped, failed, or its config changed. */
  'tunnel.status': TunnelState,
  /** Live counters, at most once a second per tunnel while they change. */
  'tunnel.stats': z.object({ id: TunnelId, stats: TunnelStats }).strict(),
  /** A connection ended (its record, as tunnel.log returns it). */
  'tunnel.connection': ConnectionRecord,
  /** A tunnel was deleted. */
  'tunnel.deleted': ById,
} as const
