// The tunnel's one check of its server when it starts (and when its settings change): connect as
// a client connection would (implicit TLS, or STARTTLS through core/net's upgrader), look at the
// certificate under the tunnel's own trust (its pin, its CA file or the system's CAs), then ask
// for the capabilities over TLS, so a server that closes at once is seen too. Never logs in. The
// result is data: a state and a reason id (shared/knowledge/tunnel-findings.ts says the fix).
import { X509Certificate } from 'node:crypto'
import tls from 'node:tls'
import type { CertificateSummary, UpstreamCheck, UpstreamCheckReason } from '../../shared/contract/index.js'
import type { TunnelConfig } from '../../shared/contract/tunnel-config.js'
import { summarize } from '../net/certificate.js'
import { describeEndpoint, handshakeTls, type TlsOptions } from '../net/connect.js'
import { dialogues } from '../net/dialogues/index.js'
import { NetError } from '../net/errors.js'
import { openSession } from '../net/session.js'
import { connectStartTls } from '../net/starttls.js'
import { oneLine } from './greeting.js'
import { MAX_CHECK_REFUSAL_CHARS } from './limits.js'
import type { TrustPolicy } from './upstream.js'

/** OpenSSL's verification codes (socket.authorizationError) in words. */
export const VERIFY_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issued by a CA that is not trusted here',
  UNABLE_TO_GET_ISSUER_CERT: 'issued by a CA that is not trusted here',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate (incomplete chain?)',
}

const VERIFY_REASONS: Record<string, UpstreamCheckReason> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted-issuer',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted-issuer',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted-issuer',
}

/** A TLS socket's verdict on its peer, under a trust policy: null when the tunnel would accept it. */
export function certificateVerdict(
  socket: tls.TLSSocket,
  host: string,
  trust: TrustPolicy,
): { certificate: CertificateSummary | null; reason: UpstreamCheckReason | null; detail: string | null } {
  const peer = socket.getPeerCertificate()
  if (!peer?.raw)
    return { certificate: null, reason: 'certificate-invalid', detail: 'The server sent no certificate.' }
  const certificate = summarize(new X509Certificate(peer.raw))
  if (trust.pin) {
    if (certificate.spkiSha256 === trust.pin) return { certificate, reason: null, detail: null }
    return {
      certificate,
      reason: 'pin-mismatch',
      detail: `The server's key is ${certificate.spkiSha256}; the tunnel pins ${trust.pin}.`,
    }
  }
  if (!socket.authorized) {
    const code = String(socket.authorizationError ?? 'not trusted')
    return {
      certificate,
      reason: VERIFY_REASONS[code] ?? 'certificate-invalid',
      detail: `${VERIFY_WORDS[code] ?? code} (checked against ${trust.description}).`,
    }
  }
  const nameError = tls.checkServerIdentity(host, peer)
  if (nameError)
    return {
      certificate,
      reason: 'wrong-host',
      detail: `The certificate is for ${certificate.subjectAltNames.join(', ') || certificate.subject}, not ${host}.`,
    }
  return { certificate, reason: null, detail: null }
}

function unreachableReason(error: unknown): UpstreamCheckReason {
  if (!(error instanceof NetError)) return 'connect'
  switch (error.kind) {
    case 'dns':
      return 'dns'
    case 'tls':
      return 'tls-handshake'
    case 'starttls-refused':
      return 'starttls-refused'
    case 'preauth':
      return 'preauth'
    case 'closed':
    case 'reset':
      return 'closed'
    case 'protocol':
    case 'line-too-long':
    case 'too-much-data':
    case 'injection':
      return error.id === 'session-refused' ? 'refused-session' : 'protocol'
    default:
      return 'connect'
  }
}

export interface CheckOptions {
  trust: TrustPolicy
  timeoutMs: number
  resolve(host: string): Promise<string>
  signal?: AbortSignal
}

export async function checkUpstream(config: TunnelConfig, options: CheckOptions): Promise<UpstreamCheck> {
  const endpoint = { host: config.upstreamHost, port: config.upstreamPort }
  const where = describeEndpoint(endpoint)
  const done = (
    state: UpstreamCheck['state'],
    reason: UpstreamCheckReason | null,
    detail: string | null,
    certificate: CertificateSummary | null,
  ): UpstreamCheck => ({
    state,
    reason,
    detail: detail === null ? null : oneLine(detail),
    certificate,
    checkedAt: new Date().toISOString(),
  })
  let socket: tls.TLSSocket
  try {
    const address = await options.resolve(endpoint.host)
    const settings: TlsOptions = {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      ca: options.trust.ca,
      minVersion: 'TLSv1.2',
      // Seen, not refused: the verdict below names what is wrong and the certificate to compare.
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    }
    socket =
      config.mode === 'implicit-tls'
        ? await handshakeTls({ ...endpoint, address }, settings)
        : (
            await connectStartTls({ ...endpoint, address }, config.protocol, {
              ...settings,
              injectionWatchMs: 0,
            })
          ).tls
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return done('unreachable', unreachableReason(error), message, null)
  }
  try {
    const verdict = certificateVerdict(socket, endpoint.host, options.trust)
    if (verdict.reason) return done('cannot-verify', verdict.reason, verdict.detail, verdict.certificate)
    // A verified server that greets, then lists its capabilities over TLS: a client can use it.
    const session = openSession(socket, where, {
      limits: { readTimeoutMs: options.timeoutMs },
      signal: options.signal,
    })
    const dialogue = dialogues[config.protocol]
    try {
      if (config.mode === 'implicit-tls') {
        const greeting = await dialogue.greeting(session)
        if (greeting.status === 'refused' || greeting.status === 'busy')
          return done(
            'unreachable',
            'refused-session',
            `${where} refused the session: ${greeting.lines.join(' ').slice(0, MAX_CHECK_REFUSAL_CHARS)}`,
            verdict.certificate,
          )
      }
      await dialogue.capabilities(session)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      return done('unreachable', unreachableReason(error), message, verdict.certificate)
    } finally {
      session.reader.detach()
    }
    return done('verified', null, null, verdict.certificate)
  } finally {
    socket.destroy()
  }
}
