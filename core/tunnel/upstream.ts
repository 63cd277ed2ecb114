// The tunnel's upstream side: verified TLS to the real server, implicit or after STARTTLS (through
// core/net's one upgrader, which refuses PREAUTH, a server without STARTTLS and injected bytes),
// with the certificate policy of the tunnel and TLS session resumption. Never plaintext.
import { X509Certificate } from 'node:crypto'
import tls from 'node:tls'
import type { MailProtocol, TlsSecurity } from '../../shared/contract/mail.js'
import { spkiSha256 } from '../net/certificate.js'
import { describeEndpoint, type Endpoint, handshakeTls, type TlsOptions } from '../net/connect.js'
import { dialogues } from '../net/dialogues/index.js'
import { NetError } from '../net/errors.js'
import { openSession } from '../net/session.js'
import { connectStartTls } from '../net/starttls.js'
import { smtpDomain } from './greeting.js'
import { filterImapAtoms } from './imap-filter.js'
import type { ReadArena } from './read-arena.js'

export interface TrustPolicy {
  /** PEM CAs; undefined: Node's bundled roots. */
  ca?: string | string[]
  /** sha256/BASE64: the leaf's key must match (chain and name are then not required). */
  pin: string | null
  /** Describes the trust for logs: "system CAs", "CA file /x.pem", "pinned key sha256/...". */
  description: string
  /** Built once per tunnel from ca and the TLS 1.2 floor: a new connection parses no CA. */
  secureContext?: tls.SecureContext
}

export interface UpstreamOptions {
  mode: TlsSecurity
  protocol: MailProtocol
  trust: TrustPolicy
  timeoutMs: number
  /** The last TLS session from this upstream (resumption saves a round trip and the RSA/ECDHE work). */
  session?: Buffer
  signal?: AbortSignal
  /** Implicit TLS: the decrypted bytes are read into it (read-arena.ts). A STARTTLS socket cannot
   * take one (Node reads a socket it wraps its own way), so it reads as sockets do. */
  arena?: ReadArena
}

export interface Upstream {
  socket: tls.TLSSocket
  /** STARTTLS: the greeting we send the client once TLS is up (the server's came in plaintext). */
  greeting: string | null
  /** Bytes the server sent over TLS that were read while preparing (forwarded to the client). */
  leftover: Buffer
  /** Where the socket's bytes arrive, when they do not come as 'data' events. */
  arena: ReadArena | null
  tls: { version: string; cipher: string; resumed: boolean; pinned: boolean }
}

function tlsOptions(endpoint: Endpoint, options: UpstreamOptions): TlsOptions {
  const pinned = options.trust.pin !== null
  return {
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    minVersion: 'TLSv1.2',
    ca: options.trust.ca,
    secureContext: options.trust.secureContext,
    // A pin replaces chain and name checks (a self-signed server); it is checked below.
    rejectUnauthorized: !pinned,
    // The name the user gave, also when connecting by IP or over a STARTTLS socket (where Node
    // would otherwise check "localhost" for lack of a host option).
    checkServerIdentity: pinned
      ? () => undefined
      : (_host, cert) => tls.checkServerIdentity(endpoint.host, cert),
    session: options.session,
  }
}

function checkPin(socket: tls.TLSSocket, endpoint: Endpoint, pin: string): void {
  const peer = socket.getPeerCertificate()
  if (!peer?.raw) {
    if (socket.isSessionReused()) return // resumed from a session that passed this check
    throw new NetError('tls', `${describeEndpoint(endpoint)} sent no certificate to check against the pin.`)
  }
  const actual = spkiSha256(new X509Certificate(peer.raw))
  if (actual !== pin)
    throw new NetError(
      'tls',
      `The certificate of ${describeEndpoint(endpoint)} does not match the pinned key (it has ${actual}, the tunnel expects ${pin}); refused. If the server's key changed on purpose, inspect it and pin the new one.`,
    )
}

function describeTls(socket: tls.TLSSocket, pinned: boolean): Upstream['tls'] {
  const cipher = socket.getCipher()
  return {
    version: socket.getProtocol() ?? 'unknown',
    cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
    resumed: socket.isSessionReused(),
    pinned,
  }
}

function greetingText(endpoint: Endpoint, trust: TrustPolicy): string {
  return `Mailwarden: TLS to ${describeEndpoint(endpoint)} ${trust.pin ? 'with the pinned key' : 'verified'}; ready.`
}

/** Connects, secures and prepares the upstream; every failure is a NetError with a sentence. */
export async function openUpstream(endpoint: Endpoint, options: UpstreamOptions): Promise<Upstream> {
  const settings = tlsOptions(endpoint, options)
  const pin = options.trust.pin
  if (options.mode === 'implicit-tls') {
    const arena = options.arena ?? null
    const socket = await handshakeTls(endpoint, { ...settings, onread: arena?.onread })
    try {
      if (pin) checkPin(socket, endpoint, pin)
    } catch (error) {
      socket.destroy()
      throw error
    }
    const info = describeTls(socket, pin !== null)
    return { socket, greeting: null, leftover: Buffer.alloc(0), arena, tls: info }
  }
  const { tls: socket } = await connectStartTls(endpoint, options.protocol, {
    ...settings,
    injectionWatchMs: 0,
  })
  try {
    if (pin) checkPin(socket, endpoint, pin)
    const info = describeTls(socket, pin !== null)
    const text = greetingText(endpoint, options.trust)
    switch (options.protocol) {
      case 'imap': {
        // The client is greeted with the capabilities the server lists over TLS, filtered.
        const session = openSession(socket, describeEndpoint(endpoint), {
          limits: { readTimeoutMs: options.timeoutMs },
          signal: options.signal,
        })
        const caps = await dialogues.imap.capabilities(session)
        const leftover = session.reader.detach()
        const atoms = filterImapAtoms(caps.raw.join(' '))
        const greeting = caps.known && atoms ? `* OK [CAPABILITY ${atoms}] ${text}\r\n` : `* OK ${text}\r\n`
        return { socket, greeting, leftover, arena: null, tls: info }
      }
      case 'pop3':
        return { socket, greeting: `+OK ${text}\r\n`, leftover: Buffer.alloc(0), arena: null, tls: info }
      case 'smtp':
        return {
          socket,
          greeting: `220 ${smtpDomain(endpoint.host)} ESMTP ${text}\r\n`,
          leftover: Buffer.alloc(0),
          arena: null,
          tls: info,
        }
    }
  } catch (error) {
    socket.destroy()
    throw error
  }
}
