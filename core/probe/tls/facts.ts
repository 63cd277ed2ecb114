// The facts of one completed handshake: version, cipher, the chain as sent, and the leaf's
// checks (trust against the anchors, RFC 6125 host name, dates).
import type tls from 'node:tls'
import type { CertificateFacts, TlsVersion } from '../../../shared/contract/probe.js'
import { TlsVersion as TlsVersionSchema } from '../../../shared/contract/probe.js'
import { checkHostname, peerChain, summarize, validity, verifyChain } from '../../net/certificate.js'
import type { TrustAnchors } from './trust.js'

export interface HandshakeFacts {
  version: TlsVersion | null
  cipher: string | null
  cipherStandardName: string | null
  certificate: CertificateFacts | null
  chain: ReturnType<typeof summarize>[]
}

export function versionOf(socket: tls.TLSSocket): TlsVersion | null {
  const parsed = TlsVersionSchema.safeParse(socket.getProtocol())
  return parsed.success ? parsed.data : null
}

export function handshakeFacts(
  socket: tls.TLSSocket,
  host: string,
  trust: TrustAnchors,
  now: Date = new Date(),
): HandshakeFacts {
  const cipher = socket.getCipher()
  const chain = peerChain(socket)
  const leaf = chain[0]
  let certificate: CertificateFacts | null = null
  let shown = chain
  if (leaf) {
    const verdict = verifyChain(chain, trust.anchors, now)
    // The path as verified (ending at the trusted CA when there is one), then anything else sent.
    shown = [...verdict.path, ...chain.filter((c) => !verdict.path.includes(c))]
    const when = validity(leaf, now)
    certificate = {
      ...summarize(leaf, now),
      trusted: verdict.trusted,
      trustProblem: verdict.problem,
      hostnameMatch: checkHostname(host, leaf).matches,
      expired: when.expired,
      notYetValid: when.notYetValid,
    }
  }
  return {
    version: versionOf(socket),
    cipher: cipher?.name ?? null,
    cipherStandardName: cipher?.standardName ?? null,
    certificate,
    chain: shown.map((c) => summarize(c, now)),
  }
}
