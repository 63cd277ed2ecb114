// tunnel.inspect: connect once to a server (implicit TLS or after STARTTLS) without trusting it,
// and report its certificate, its SPKI pin and whether the tunnel would accept it unpinned. The
// UI shows the fingerprint and offers the pin only with the user's consent.
import { X509Certificate } from 'node:crypto'
import tls from 'node:tls'
import type { z } from 'zod'
import type { TunnelInspectRequest, TunnelInspectResult } from '../../shared/contract/tunnel.js'
import { TunnelConfig } from '../../shared/contract/tunnel-config.js'
import { EngineError } from '../api/errors.js'
import type { EngineContext } from '../context.js'
import { summarize } from '../net/certificate.js'
import { describeEndpoint, handshakeTls, type TlsOptions } from '../net/connect.js'
import { NetError } from '../net/errors.js'
import { connectStartTls } from '../net/starttls.js'
import { VERIFY_WORDS } from './check.js'
import { cachedResolve, trustPolicy } from './runtime.js'

export async function inspectUpstream(
  context: EngineContext,
  request: z.output<typeof TunnelInspectRequest>,
  options: { timeoutMs?: number; dns?: string | null } = {},
): Promise<TunnelInspectResult> {
  const { settings } = await context.settings.load()
  const config = TunnelConfig.parse({
    id: 'inspect',
    name: 'inspect',
    listenPort: 0,
    upstreamHost: request.host,
    upstreamPort: request.port,
    mode: request.mode,
    protocol: request.protocol,
    caFile: request.caFile,
  })
  const trust = await trustPolicy(config, settings.extraCaFile)
  const timeoutMs = options.timeoutMs ?? settings.connectTimeoutSeconds * 1000
  const endpoint = { host: request.host, port: request.port }
  const where = describeEndpoint(endpoint)
  let socket: tls.TLSSocket
  try {
    const address = await cachedResolve(() => context.resolver(options.dns ?? null))(request.host)
    const tlsOptions: TlsOptions = {
      timeoutMs,
      ca: trust.ca,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    }
    socket =
      request.mode === 'implicit-tls'
        ? await handshakeTls({ ...endpoint, address }, tlsOptions)
        : (
            await connectStartTls({ ...endpoint, address }, request.protocol, {
              ...tlsOptions,
              injectionWatchMs: 0,
            })
          ).tls
  } catch (error) {
    const message = error instanceof NetError ? error.message : String(error)
    throw new EngineError('unavailable', `Could not inspect ${where}: ${message}`)
  }
  try {
    const peer = socket.getPeerCertificate()
    if (!peer?.raw) throw new EngineError('unavailable', `${where} sent no certificate.`)
    const cert = new X509Certificate(peer.raw)
    const code = String(socket.authorizationError ?? 'not trusted')
    const chainError = socket.authorized ? null : (VERIFY_WORDS[code] ?? code)
    const nameError = tls.checkServerIdentity(request.host, peer)?.message ?? null
    const verifyError = chainError ?? nameError
    const summary = summarize(cert)
    return {
      upstream: where,
      certificate: summary,
      pin: summary.spkiSha256,
      verified: verifyError === null,
      verifyError: verifyError && `${verifyError} (checked against ${trust.description})`,
      tlsVersion: socket.getProtocol() ?? 'unknown',
    }
  } finally {
    socket.destroy()
  }
}
