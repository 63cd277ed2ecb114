// The tunnel's local side when it speaks TLS to the client (a LAN printer or scanner): the
// generated certificate, kept with its private key in the OS keychain only (never in settings or
// logs), the server TLS context (1.2 or newer unless the user opted into 1.0/1.1 for this side),
// and the server handshake on an accepted socket, bounded in time.
import type net from 'node:net'
import tls from 'node:tls'
import type { LocalCertificate } from '../../shared/contract/tunnel.js'
import type { TunnelConfig } from '../../shared/contract/tunnel-config.js'
import { EngineError } from '../api/errors.js'
import type { Keychain } from '../keychain/keychain.js'
import { HANDSHAKE_TIMEOUT_MS } from '../net/limits.js'
import { certificateNames, describeLocalCertificate, isUsable, type LocalTlsMaterial } from './local-cert.js'

/** How long a client may take over its TLS handshake: stops a device that connects and stalls. */
export const LOCAL_HANDSHAKE_TIMEOUT_MS = HANDSHAKE_TIMEOUT_MS

/** OpenSSL 3 refuses TLS 1.0/1.1 above security level 0 (SHA-1 handshake signatures), so the
 * legacy opt-in lowers it for the local side only; the upstream context never sees this. */
const LEGACY_CIPHERS = 'DEFAULT:@SECLEVEL=0'

/** The keychain entry of a tunnel's local certificate and key (one JSON secret). */
export function localTlsSecretName(tunnelId: string): string {
  return `tunnel-tls:${tunnelId}`
}

/** What a running tunnel needs for its TLS local side. */
export interface LocalTlsRuntime {
  secureContext: tls.SecureContext
  certificate: LocalCertificate
  handshakeTimeoutMs: number
}

function parseMaterial(text: string | null): LocalTlsMaterial | null {
  if (!text) return null
  try {
    const value = JSON.parse(text) as Partial<LocalTlsMaterial>
    if (
      typeof value.certPem === 'string' &&
      typeof value.keyPem === 'string' &&
      typeof value.listenHost === 'string' &&
      Array.isArray(value.names)
    )
      return value as LocalTlsMaterial
  } catch {}
  return null
}

/**
 * The tunnel's certificate and key from the keychain, made (and stored) on first use or when the
 * listen host changed or the certificate nears its end. `created` says a new one was made: the
 * device must be told the new pin.
 */
export async function loadLocalTls(
  keychain: Keychain,
  config: TunnelConfig,
): Promise<{ material: LocalTlsMaterial; created: boolean }> {
  const name = localTlsSecretName(config.id)
  let stored: string | null
  try {
    stored = await keychain.get(name)
  } catch (error) {
    throw new EngineError(
      'keychain-unavailable',
      `A TLS local side needs the OS keychain to keep its private key: ${(error as Error).message}`,
    )
  }
  const existing = parseMaterial(stored)
  if (existing && isUsable(existing, config.listenHost)) return { material: existing, created: false }
  const { generateLocalCertificate } = await import('./local-cert-make.js')
  const material = generateLocalCertificate(config.listenHost, certificateNames(config.listenHost))
  await keychain.set(name, JSON.stringify(material))
  return { material, created: true }
}

/** The certificate's public facts, when one was made for this tunnel; null otherwise. */
export async function storedLocalCertificate(
  keychain: Keychain,
  tunnelId: string,
): Promise<LocalCertificate | null> {
  const material = parseMaterial(await keychain.get(localTlsSecretName(tunnelId)).catch(() => null))
  return material ? describeLocalCertificate(material) : null
}

export function localSecureContext(material: LocalTlsMaterial, allowLegacy: boolean): tls.SecureContext {
  return tls.createSecureContext({
    cert: material.certPem,
    key: material.keyPem,
    minVersion: allowLegacy ? 'TLSv1' : 'TLSv1.2',
    ...(allowLegacy ? { ciphers: LEGACY_CIPHERS } : {}),
  })
}

export function localTlsRuntime(material: LocalTlsMaterial, config: TunnelConfig): LocalTlsRuntime {
  return {
    secureContext: localSecureContext(material, config.allowLegacyLocalTls),
    certificate: describeLocalCertificate(material),
    handshakeTimeoutMs: LOCAL_HANDSHAKE_TIMEOUT_MS,
  }
}

/** For the manager and the CLI: the runtime part of a tunnel whose local side is TLS, else null. */
export async function prepareLocalTls(
  keychain: Keychain,
  config: TunnelConfig,
  warn: (message: string) => void,
): Promise<LocalTlsRuntime | null> {
  if (config.localTls === 'plaintext') return null
  const { material, created } = await loadLocalTls(keychain, config)
  const runtime = localTlsRuntime(material, config)
  if (created)
    warn(
      `generated a new local certificate for ${material.names.join(', ')}; trust it on the device: pin ${runtime.certificate.pin}, SHA-256 ${runtime.certificate.fingerprintSha256}`,
    )
  return runtime
}

/**
 * The server side of a TLS handshake on an accepted (or just upgraded) client socket. Rejects
 * with a sentence on failure or after the deadline; the raw socket is destroyed then.
 */
export function acceptLocalTls(raw: net.Socket, local: LocalTlsRuntime): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = new tls.TLSSocket(raw, { isServer: true, secureContext: local.secureContext })
    const done = (error: Error | null) => {
      clearTimeout(timer)
      socket.off('secure', onSecure)
      socket.off('error', onError)
      socket.off('close', onClose)
      if (error) {
        socket.destroy()
        raw.destroy()
        reject(error)
      } else resolve(socket)
    }
    const onSecure = () => done(null)
    // OpenSSL's own words ("tlsv1 alert protocol version"), not its error-stack line.
    const onError = (error: Error & { reason?: string }) =>
      done(new Error(`The client's TLS handshake failed: ${error.reason ?? error.message.split('\n')[0]}.`))
    const onClose = () => done(new Error('The client closed the connection during the TLS handshake.'))
    const timer = setTimeout(
      () =>
        done(new Error(`The client did not finish its TLS handshake within ${local.handshakeTimeoutMs} ms.`)),
      local.handshakeTimeoutMs,
    )
    socket.once('secure', onSecure)
    socket.once('error', onError)
    socket.once('close', onClose)
  })
}
