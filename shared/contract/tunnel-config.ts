// A tunnel as the user configured it (persisted in settings). Owned by the tunnel job.
// Fields added after the first version carry defaults, so older settings files still read.
import { z } from 'zod'
import { ListenPort, MailProtocol, Port, TlsSecurity, TransportSecurity } from './mail.js'

/** The form of an SPKI pin: SHA-256 of the SubjectPublicKeyInfo, base64 (ghostunnel, HPKP). */
export const SpkiPin = z.string().regex(/^sha256\/[A-Za-z0-9+/]{43}=$/, 'a pin looks like sha256/BASE64=')
export type SpkiPin = z.infer<typeof SpkiPin>

/** An IPv4 or IPv6 address, or a CIDR range of them ("192.168.1.0/24"), allowed on a LAN listener. */
export const ClientAllowEntry = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/, 'an allowed client is an IP address or a CIDR range')

/**
 * The local side, toward the client: plaintext (as a legacy client on this machine needs),
 * implicit TLS from the first byte, or STARTTLS/STLS offered in the tunnel's own greeting (a login
 * before it is refused). A TLS local side shows a certificate Mailwarden generates per tunnel.
 */
export const LocalSecurity = TransportSecurity

/** The SASL mechanism of the upstream login with an access token; auto: what the server offers
 * (OAUTHBEARER, the standard, before XOAUTH2). */
export const TunnelOAuthMechanism = z.enum(['auto', 'xoauth2', 'oauthbearer'])
export type TunnelOAuthMechanism = z.infer<typeof TunnelOAuthMechanism>

/**
 * A tunnel that logs in upstream with an OAuth 2.0 access token: the client logs in to the tunnel
 * with the local password (keychain `tunnel-password:<tunnelId>`), the tunnel to the server with
 * SASL XOAUTH2 or OAUTHBEARER for the account's address. Null: the client's login passes through.
 */
export const TunnelOAuth = z
  .object({
    accountId: z.string().regex(/^[a-z0-9-]{1,64}$/),
    mechanism: TunnelOAuthMechanism.default('auto'),
  })
  .strict()
export type TunnelOAuth = z.infer<typeof TunnelOAuth>

/** Idle timeout bounds: IMAP IDLE re-issues within 29 minutes (RFC 2177), so 30 is the default. */
export const TUNNEL_IDLE_MINUTES = { min: 1, max: 24 * 60, default: 30 } as const

export const TunnelConfig = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,64}$/),
    name: z.string().min(1).max(100),
    listenHost: z.string().min(1).max(64).default('127.0.0.1'),
    /** 0: any free port (the one chosen is reported in the tunnel's state). */
    listenPort: ListenPort,
    upstreamHost: z.string().min(1).max(253),
    upstreamPort: Port,
    /** How the tunnel reaches the real server: implicit TLS or STARTTLS, never plaintext. */
    mode: TlsSecurity,
    protocol: MailProtocol,
    /** sha256/BASE64 of the upstream's public key, set only with the user's consent. */
    pin: SpkiPin.nullable().default(null),
    /** PEM CAs to trust instead of the system's; null: the system's CAs (plus extraCaFile). */
    caFile: z.string().max(4096).nullable().default(null),
    autoStart: z.boolean().default(false),
    /** A listener on a non-loopback address is refused unless this is true (explicit opt-in). */
    allowLan: z.boolean().default(false),
    /** With allowLan: the client addresses (or CIDR ranges) accepted; loopback is always accepted. */
    allowedClients: z.array(ClientAllowEntry).max(64).default([]),
    localTls: LocalSecurity.default('plaintext'),
    /** With a TLS local side: also accept TLS 1.0 and 1.1 from the client (old devices; explicit
     * opt-in). The upstream side is TLS 1.2 or newer whatever this says. */
    allowLegacyLocalTls: z.boolean().default(false),
    idleTimeoutMinutes: z
      .number()
      .int()
      .min(TUNNEL_IDLE_MINUTES.min)
      .max(TUNNEL_IDLE_MINUTES.max)
      .default(TUNNEL_IDLE_MINUTES.default),
    oauth: TunnelOAuth.nullable().default(null),
  })
  .strict()
export type TunnelConfig = z.infer<typeof TunnelConfig>
export type TunnelConfigInput = z.input<typeof TunnelConfig>

/** What `tunnel.create` takes: a config without its id (the engine chooses one). */
export const TunnelDraft = TunnelConfig.omit({ id: true })
export type TunnelDraft = z.input<typeof TunnelDraft>
