// What a running tunnel needs from outside: the trust policy (CA file or the OS trust store, or a pin)
// and the upstream's address from the one DNS resolver, cached briefly (TunnelRuntime names them all).
import net from 'node:net'
import tls from 'node:tls'
import type { ConnectionRecord } from '../../shared/contract/tunnel.js'
import type { TunnelConfig } from '../../shared/contract/tunnel-config.js'
import { EngineError } from '../api/errors.js'
import type { Resolver } from '../dns/resolver.js'
import { CaFileError, readCaFile } from '../net/ca-file.js'
import { NetError } from '../net/errors.js'
import { systemTrustStore } from '../net/trust-store.js'
import type { AccessTokenSource } from '../oauth/token-source.js'
import { DNS_CACHE_MS } from './limits.js'
import type { LocalTlsRuntime } from './local-tls.js'
import type { RefusalLogOptions } from './refusal-log.js'
import type { SignInRuntime } from './sign-in/gate.js'
import type { TrustPolicy } from './upstream.js'

/** The engine's access-token sources, one per OAuth account (core/oauth provides them); throws an
 * EngineError when the account does not exist. */
export type TokenSourceFor = (accountId: string) => AccessTokenSource | Promise<AccessTokenSource>

/** What one running tunnel (tunnel.ts) and each of its connections (connection.ts) are given. */
export interface TunnelRuntime {
  trust: TrustPolicy
  /** Connect and handshake deadline toward the upstream. */
  timeoutMs: number
  /** The upstream host's address (the one DNS resolver, cached); throws a sentence. */
  resolve(host: string): Promise<string>
  /** Overrides the config's idle timeout (tests use milliseconds, the config has minutes). */
  idleTimeoutMs?: number
  onRecord(record: ConnectionRecord): void
  warn(message: string): void
  /** The generated certificate and TLS context of a TLS local side (localTls implicit-tls|starttls). */
  local?: LocalTlsRuntime | null
  /** Overrides the per-line deadline of a local STARTTLS dialogue (tests). */
  localLineTimeoutMs?: number
  /** Overrides the window, bound or clock of the refused clients' warnings (tests). */
  refusalLog?: RefusalLogOptions
  /** A tunnel with `oauth`: its token source, local password and OAuth state (sign-in/gate.ts). */
  signIn?: SignInRuntime | null
}

/** One CA file, read and checked as everywhere else (core/net/ca-file.ts); its sentence as an EngineError. */
async function caFilePem(file: string): Promise<string> {
  try {
    return (await readCaFile(file)).pem
  } catch (error) {
    if (error instanceof CaFileError) throw new EngineError('invalid-request', error.message)
    throw error
  }
}

/** The tunnel's CA file replaces the system's trust store; the extraCaFile setting adds to it. "The
 * system's" is the operating system's store (core/net/trust-store.ts), as for the probe, never only
 * the roots bundled with Node: a company CA installed in the OS must verify here too. */
export async function trustPolicy(config: TunnelConfig, extraCaFile: string | null): Promise<TrustPolicy> {
  let policy: TrustPolicy
  if (config.pin) policy = { pin: config.pin, description: `pinned key ${config.pin}` }
  else if (config.caFile)
    policy = { ca: await caFilePem(config.caFile), pin: null, description: `CA file ${config.caFile}` }
  else {
    const store = await systemTrustStore()
    const extra = extraCaFile ? await caFilePem(extraCaFile) : null
    policy = {
      ca: extra ? [...store.pems, extra] : store.pems,
      pin: null,
      description: extra ? `${store.description} + ${extraCaFile}` : store.description,
    }
  }
  try {
    policy.secureContext = tls.createSecureContext({ ca: policy.ca, minVersion: 'TLSv1.2' })
  } catch (error) {
    throw new EngineError(
      'invalid-request',
      `The CA certificates cannot be used: ${(error as Error).message}`,
    )
  }
  return policy
}

/** Resolves through the given resolver, remembering an answer for DNS_CACHE_MS. */
export function cachedResolve(resolver: () => Promise<Resolver>): (host: string) => Promise<string> {
  const cache = new Map<string, { address: string; until: number }>()
  return async (host) => {
    if (net.isIP(host)) return host
    const hit = cache.get(host)
    if (hit && hit.until > Date.now()) return hit.address
    let addresses: string[]
    try {
      addresses = await (await resolver()).addresses(host)
    } catch (error) {
      throw new NetError('dns', `Cannot resolve ${host}: ${(error as Error).message}`, { cause: error })
    }
    const address = addresses.find((a) => net.isIPv4(a)) ?? addresses[0]
    if (!address) throw new NetError('dns', `${host} has no address in DNS.`)
    cache.set(host, { address, until: Date.now() + DNS_CACHE_MS })
    return address
  }
}
