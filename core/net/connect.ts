// Opening connections: TCP with a connect deadline, and TLS (implicit, or over an existing socket
// after STARTTLS) with a handshake deadline. Verification is the caller's decision: the probe
// handshakes with rejectUnauthorized false to report facts, the tunnel verifies or pins.
import net from 'node:net'
import tls from 'node:tls'
import { fromSocketError, NetError } from './errors.js'
import { CONNECT_TIMEOUT_MS, HANDSHAKE_TIMEOUT_MS } from './limits.js'

export interface Endpoint {
  /** The name the user gave: SNI and certificate checks use it. */
  host: string
  port: number
  /** The IP to connect to (from core/dns); defaults to host. */
  address?: string
}

export function describeEndpoint(endpoint: Endpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host
  return `${host}:${endpoint.port}`
}

export interface ConnectOptions {
  timeoutMs?: number
  signal?: AbortSignal
}

function abortable<T extends net.Socket>(
  socket: T,
  ready: string,
  where: string,
  timeoutMs: number,
  timeoutError: () => NetError,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer)
      socket.off(ready, onReady)
      socket.off('error', onError)
      signal?.removeEventListener('abort', onAbort)
    }
    const onReady = () => {
      cleanup()
      resolve(socket)
    }
    const onError = (error: Error) => {
      cleanup()
      socket.destroy()
      reject(fromSocketError(error, where))
    }
    const onAbort = () => {
      cleanup()
      socket.destroy()
      reject(new NetError('cancelled', 'Cancelled.'))
    }
    const timer = setTimeout(() => {
      cleanup()
      socket.destroy()
      reject(timeoutError())
    }, timeoutMs)
    socket.once(ready, onReady)
    socket.once('error', onError)
    signal?.addEventListener('abort', onAbort, { once: true })
    if (signal?.aborted) onAbort()
  })
}

export function connectTcp(endpoint: Endpoint, options: ConnectOptions = {}): Promise<net.Socket> {
  const where = describeEndpoint(endpoint)
  const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS
  const socket = net.connect({ host: endpoint.address ?? endpoint.host, port: endpoint.port })
  // Interactive protocols: a small command must not wait for Nagle.
  socket.setNoDelay(true)
  return abortable(
    socket,
    'connect',
    where,
    timeoutMs,
    () =>
      new NetError(
        'connect-timeout',
        `${where} did not answer the connection within ${timeoutMs} ms (the port may be filtered by a firewall).`,
      ),
    options.signal,
  )
}

export interface TlsOptions extends ConnectOptions {
  /** An existing plaintext socket (after STARTTLS); absent: a fresh implicit-TLS connection. */
  socket?: net.Socket
  minVersion?: tls.SecureVersion
  maxVersion?: tls.SecureVersion
  /** OpenSSL cipher string; legacy TLS 1.0/1.1 attempts need "DEFAULT:@SECLEVEL=0". */
  ciphers?: string
  /** Trusted CAs (PEM); absent: Node's bundled roots. */
  ca?: string | string[]
  /** true: fail the handshake on an unverified chain or wrong host (tunnel); false: report (probe). */
  rejectUnauthorized: boolean
  /** Replaces the host name check (the tunnel's pin check, or the probe's RFC 6125 check). */
  checkServerIdentity?: typeof tls.checkServerIdentity
  session?: Buffer
  /** One context for many connections (the tunnel's): no CA parsing and SSL_CTX per connection.
   * When given, ca, minVersion, maxVersion and ciphers belong to it and are not read here. */
  secureContext?: tls.SecureContext
  /** Where decrypted bytes are read into (tls.connect's documented `onread`; only without `socket`). */
  onread?: net.OnReadOpts
}

export function handshakeTls(endpoint: Endpoint, options: TlsOptions): Promise<tls.TLSSocket> {
  const where = describeEndpoint(endpoint)
  const timeoutMs = options.timeoutMs ?? HANDSHAKE_TIMEOUT_MS
  const servername = net.isIP(endpoint.host) ? undefined : endpoint.host
  // `onread` is tls.connect's (documented there; @types/node lists it only for net.connect).
  const settings: tls.ConnectionOptions & net.ConnectOpts = {
    // With an existing socket, `host` is only what the certificate is checked against: without it
    // Node would check the name "localhost".
    ...(options.socket
      ? { socket: options.socket, host: endpoint.host }
      : { host: endpoint.address ?? endpoint.host, port: endpoint.port }),
    servername,
    minVersion: options.minVersion ?? 'TLSv1.2',
    maxVersion: options.maxVersion,
    ciphers: options.ciphers,
    ca: options.ca,
    rejectUnauthorized: options.rejectUnauthorized,
    checkServerIdentity: options.checkServerIdentity,
    session: options.session,
    secureContext: options.secureContext,
    onread: options.socket ? undefined : options.onread,
  }
  // Node treats a key set to undefined differently from an absent one (it crashes on some).
  for (const key of Object.keys(settings) as (keyof typeof settings)[])
    if (settings[key] === undefined) delete settings[key]
  const socket = tls.connect(settings)
  if (!options.socket) socket.setNoDelay(true)
  return abortable(
    socket,
    'secureConnect',
    where,
    timeoutMs,
    () => new NetError('timeout', `${where} did not complete the TLS handshake within ${timeoutMs} ms.`),
    options.signal,
  ).catch((error: unknown) => {
    if (error instanceof NetError && error.kind !== 'tls') throw error
    const cause = (error as NetError).cause as NodeJS.ErrnoException | undefined
    // Handshake failures keep OpenSSL's words: they say which version or alert it was.
    throw new NetError('tls', `The TLS handshake with ${where} failed: ${cause?.message ?? String(error)}`, {
      cause: cause ?? error,
    })
  })
}
