// "Test login": logs in to each server of a saved account over TLS only. Never plaintext (a saved
// plaintext server is refused, a STARTTLS refusal ends the attempt), never an unverified
// certificate unless the user pinned exactly that certificate's SHA-256. One TLS session per
// mechanism, so the report says which ones work. The password is never logged or returned.
import type tls from 'node:tls'
import type { SavedServer } from '../../../shared/contract/accounts.js'
import type { LoginResult, MechanismResult } from '../../../shared/contract/probe-accounts.js'
import { type Endpoint, handshakeTls } from '../../net/connect.js'
import { type Capabilities, dialogues } from '../../net/dialogues/index.js'
import { NetError } from '../../net/errors.js'
import { openSession, type Session } from '../../net/session.js'
import { connectStartTls } from '../../net/starttls.js'
import { MAX_QUOTED_CHARS, MAX_REPLY_KEPT_CHARS } from '../limits.js'
import { type Credentials, mechanismsFor, offeredAfterTls } from './mechanisms.js'

export interface LoginOptions {
  /** Trusted CAs as PEM: the system's plus the extra CA file. */
  ca: string[]
  timeoutMs: number
  /** The address to connect to (from the one resolver); null: let the OS resolve the name. */
  address: string | null
  signal?: AbortSignal
}

interface TlsSession {
  session: Session
  socket: tls.TLSSocket
  caps: Capabilities
  trustedBy: 'ca' | 'pin'
}

/** Verifies the pin right after the handshake, before a byte of the dialogue is sent. */
function checkTrust(socket: tls.TLSSocket, server: SavedServer, where: string): 'ca' | 'pin' {
  if (socket.authorized) return 'ca'
  const seen = socket.getPeerCertificate().fingerprint256
  if (server.pinnedFingerprintSha256 && seen === server.pinnedFingerprintSha256) return 'pin'
  socket.destroy()
  throw new NetError(
    'tls',
    server.pinnedFingerprintSha256
      ? `${where} presented a certificate (${seen}) that is not the one you pinned (${server.pinnedFingerprintSha256}); no password was sent.`
      : `${where} presented a certificate that is not trusted (${socket.authorizationError ?? 'unknown error'}); no password was sent. Pin it in the account if you compared its fingerprint.`,
  )
}

async function openTlsSession(server: SavedServer, options: LoginOptions): Promise<TlsSession> {
  const endpoint: Endpoint = { host: server.host, port: server.port, address: options.address ?? undefined }
  const where = `${server.host}:${server.port}`
  const dialogue = dialogues[server.protocol]
  // With a pin, the handshake must not fail on the untrusted chain; checkTrust decides instead.
  const tlsOptions = {
    ca: options.ca,
    rejectUnauthorized: false,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  }
  const limits = { readTimeoutMs: options.timeoutMs }
  let socket: tls.TLSSocket
  if (server.security === 'implicit-tls') socket = await handshakeTls(endpoint, tlsOptions)
  else socket = (await connectStartTls(endpoint, server.protocol, { ...tlsOptions, limits })).tls
  try {
    const trustedBy = checkTrust(socket, server, where)
    const session = openSession(socket, where, { limits, signal: options.signal })
    if (server.security === 'implicit-tls') {
      const greeting = await dialogue.greeting(session)
      if (greeting.status !== 'ok')
        throw new NetError(
          'protocol',
          `${where} did not accept the session: ${greeting.lines.join(' ').slice(0, MAX_QUOTED_CHARS)}`,
        )
    }
    // After STARTTLS every protocol starts over: capabilities must be read again (RFC 3207, 2595, 9051).
    const caps = await dialogue.capabilities(session)
    return { session, socket, caps, trustedBy }
  } catch (error) {
    socket.destroy()
    throw error
  }
}

function goodbye(server: SavedServer, session: Session): void {
  const quit = server.protocol === 'imap' ? `${session.nextTag()} LOGOUT` : 'QUIT'
  try {
    session.write(quit)
  } catch {
    // The server may have closed already; nothing to say goodbye to.
  }
}

function failure(server: SavedServer, status: LoginResult['status'], message: string): LoginResult {
  return {
    protocol: server.protocol,
    host: server.host,
    port: server.port,
    security: server.security,
    status,
    trustedBy: null,
    tlsVersion: null,
    fingerprintSha256: null,
    offered: [],
    mechanisms: [],
    message,
  }
}

/** Tries every mechanism the server offers over TLS, each on a fresh session. */
export async function testLogin(
  server: SavedServer,
  credentials: Credentials,
  options: LoginOptions,
): Promise<LoginResult> {
  if (server.security === 'plaintext')
    return failure(
      server,
      'refused',
      `${server.host}:${server.port} is saved as plaintext; Mailwarden never sends a password without TLS.`,
    )
  let first: TlsSession
  try {
    first = await openTlsSession(server, options)
  } catch (error) {
    return failure(server, 'error', error instanceof Error ? error.message : String(error))
  }
  const base = {
    protocol: server.protocol,
    host: server.host,
    port: server.port,
    security: server.security,
    trustedBy: first.trustedBy,
    tlsVersion: first.socket.getProtocol(),
    fingerprintSha256: first.socket.getPeerCertificate().fingerprint256 ?? null,
    offered: offeredAfterTls(server.protocol, first.caps),
  }
  const mechanisms = mechanismsFor(server.protocol, first.caps)
  if (mechanisms.length === 0) {
    goodbye(server, first.session)
    first.socket.destroy()
    return {
      ...base,
      status: 'failed',
      mechanisms: [],
      message: `${server.host}:${server.port} offers no login method Mailwarden can test (PLAIN, LOGIN${server.protocol === 'pop3' ? ', USER' : ''}) after TLS.`,
    }
  }
  const results: MechanismResult[] = []
  let current: TlsSession | null = first
  for (const mechanism of mechanisms) {
    // A refused password is refused by every mechanism; more attempts only earn the client an
    // authentication penalty (Dovecot delays the next logins from this address) or a ban.
    if (results.some((r) => r.outcome === 'rejected')) {
      results.push({
        mechanism: mechanism.name,
        outcome: 'not-tried',
        reply: 'Not tried: the server refused the password.',
      })
      continue
    }
    try {
      current ??= await openTlsSession(server, options)
      const outcome = await mechanism.run(current.session, credentials)
      results.push({ mechanism: mechanism.name, ...outcome })
      goodbye(server, current.session)
    } catch (error) {
      results.push({
        mechanism: mechanism.name,
        outcome: 'error',
        reply: error instanceof Error ? error.message.slice(0, MAX_REPLY_KEPT_CHARS) : String(error),
      })
    } finally {
      current?.socket.destroy()
      current = null
    }
    if (options.signal?.aborted) break
  }
  const accepted = results.filter((r) => r.outcome === 'accepted').map((r) => r.mechanism)
  const rejected = results.filter((r) => r.outcome === 'rejected')
  return {
    ...base,
    status: accepted.length > 0 ? 'ok' : rejected.length > 0 ? 'failed' : 'error',
    mechanisms: results,
    message:
      accepted.length > 0
        ? `Logged in over ${base.tlsVersion ?? 'TLS'} with ${accepted.join(', ')}.`
        : rejected.length > 0
          ? 'The server refused the name and password with every mechanism tried.'
          : 'No mechanism could be completed; see each reply.',
  }
}
