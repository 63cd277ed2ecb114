// Which TLS versions a server accepts: one handshake per version, all in parallel, each limited
// to exactly that version. TLS 1.0/1.1 need OpenSSL's security level 0 (OpenSSL 3 refuses their
// SHA-1 handshake signatures otherwise), enabled for that attempt only, never for the main one.
import type tls from 'node:tls'
import type { MailProtocol } from '../../../shared/contract/mail.js'
import {
  TLS_VERSIONS,
  type TlsVersion,
  type UntestedVersion,
  type UntestedVersionId,
} from '../../../shared/contract/probe.js'
import { type Endpoint, handshakeTls } from '../../net/connect.js'
import { NetError } from '../../net/errors.js'
import type { LineLimits } from '../../net/line-reader.js'
import { connectStartTls } from '../../net/starttls.js'
import { MAX_REPLY_KEPT_CHARS } from '../limits.js'

/** What OpenSSL needs to offer TLS 1.0/1.1 at all (OpenSSL 3 defaults to security level 1+). */
export const LEGACY_CIPHERS = 'DEFAULT:@SECLEVEL=0'

export function isLegacy(version: TlsVersion): boolean {
  return version === 'TLSv1' || version === 'TLSv1.1'
}

/** The TLS options that limit a handshake to one version. */
export function onlyVersion(
  version: TlsVersion,
): Pick<tls.ConnectionOptions, 'minVersion' | 'maxVersion' | 'ciphers'> {
  return {
    minVersion: version,
    maxVersion: version,
    ...(isLegacy(version) ? { ciphers: LEGACY_CIPHERS } : {}),
  }
}

/** OpenSSL's words when it cannot even offer the version (built without it, or policy). */
const CANNOT_OFFER =
  /no protocols available|NO_PROTOCOLS_AVAILABLE|unsupported.*(?:option|configuration)|no ciphers available/i

export type VersionOutcome =
  | { version: TlsVersion; status: 'accepted'; socket: tls.TLSSocket }
  | { version: TlsVersion; status: 'refused'; reason: string }
  | { version: TlsVersion; status: 'untested'; id: UntestedVersionId; reason: string }

export interface VersionProbeOptions {
  endpoint: Endpoint
  /** null: implicit TLS; else STARTTLS in this protocol's words first. */
  startTls: MailProtocol | null
  timeoutMs: number
  limits?: Partial<LineLimits>
  signal?: AbortSignal
  /** Versions already known to be accepted (the main handshake's): not tried again. */
  known?: readonly TlsVersion[]
}

function errorText(error: unknown): string {
  const cause = error instanceof NetError && error.cause instanceof Error ? error.cause : error
  return cause instanceof Error
    ? `${(cause as NodeJS.ErrnoException).code ?? ''} ${cause.message}`
    : String(cause)
}

/** One attempt; an accepted attempt hands back its socket (the caller reads facts, then closes). */
export async function tryVersion(version: TlsVersion, options: VersionProbeOptions): Promise<VersionOutcome> {
  const tlsOptions = {
    ...onlyVersion(version),
    rejectUnauthorized: false,
    // Trust and the host name are checked by us from the chain, not by OpenSSL.
    checkServerIdentity: () => undefined,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  }
  try {
    const socket = options.startTls
      ? (
          await connectStartTls(options.endpoint, options.startTls, {
            ...tlsOptions,
            injectionWatchMs: 0,
            limits: options.limits,
          })
        ).tls
      : await handshakeTls(options.endpoint, tlsOptions)
    // Held open until the caller reads facts: a late error must not be unhandled.
    socket.on('error', () => {})
    return { version, status: 'accepted', socket }
  } catch (error) {
    if (error instanceof NetError && error.kind === 'cancelled') throw error
    const text = errorText(error)
    if (CANNOT_OFFER.test(text))
      return {
        version,
        status: 'untested',
        id: 'runtime-cannot-offer',
        reason: `This runtime's OpenSSL (${process.versions.openssl}) cannot offer ${version}.`,
      }
    if (error instanceof NetError && (error.kind === 'timeout' || error.kind === 'connect-timeout'))
      return {
        version,
        status: 'untested',
        id: 'no-answer',
        reason: `No answer within ${options.timeoutMs} ms.`,
      }
    if (
      error instanceof NetError &&
      error.kind !== 'tls' &&
      error.kind !== 'reset' &&
      error.kind !== 'closed'
    )
      return { version, status: 'untested', id: 'dialogue-failed', reason: error.message }
    return { version, status: 'refused', reason: text.trim().slice(0, MAX_REPLY_KEPT_CHARS) }
  }
}

export interface VersionsResult {
  accepted: TlsVersion[]
  refused: TlsVersion[]
  untested: UntestedVersion[]
  /** Accepted sockets by version, still open: the caller may read facts from one, then must close all. */
  sockets: Map<TlsVersion, tls.TLSSocket>
}

/** Tries every version in parallel (the caller's per-host limiter bounds the connections). */
export async function probeVersions(
  options: VersionProbeOptions,
  run: <T>(task: () => Promise<T>) => Promise<T> = (task) => task(),
): Promise<VersionsResult> {
  const settled = await Promise.allSettled(
    TLS_VERSIONS.map((version) => run(() => tryVersion(version, options))),
  )
  const failed = settled.find((s) => s.status === 'rejected')
  if (failed) {
    // Cancelled (or the limiter gave up): close what did connect before passing the error on.
    for (const s of settled)
      if (s.status === 'fulfilled' && s.value.status === 'accepted') s.value.socket.destroy()
    throw failed.reason
  }
  const outcomes = settled.map((s) => (s as PromiseFulfilledResult<VersionOutcome>).value)
  const result: VersionsResult = {
    accepted: [...(options.known ?? [])],
    refused: [],
    untested: [],
    sockets: new Map(),
  }
  for (const outcome of outcomes) {
    if (outcome.status === 'accepted') {
      result.accepted.push(outcome.version)
      result.sockets.set(outcome.version, outcome.socket)
    } else if (outcome.status === 'refused') result.refused.push(outcome.version)
    else result.untested.push({ version: outcome.version, id: outcome.id, reason: outcome.reason })
  }
  return result
}
