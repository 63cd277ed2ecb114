// What a running tunnel needs from outside: the trust policy (CA file or the system's, or a pin)
// and the upstream's address from the one DNS resolver, cached briefly.
import fs from 'node:fs/promises'
import net from 'node:net'
import tls from 'node:tls'
import type { TunnelConfig } from '../../shared/contract/tunnel-config.js'
import { EngineError } from '../api/errors.js'
import type { Resolver } from '../dns/resolver.js'
import { NetError } from '../net/errors.js'
import { DNS_CACHE_MS } from './limits.js'
import type { TrustPolicy } from './upstream.js'

/** A CA bundle is a few hundred KB at most (Mozilla's whole store is ~220 KB). */
export const MAX_CA_FILE_BYTES = 2 * 1024 * 1024

export async function readCaFile(file: string): Promise<string> {
  let pem: string
  try {
    const stat = await fs.stat(file)
    if (stat.size > MAX_CA_FILE_BYTES)
      throw new EngineError('too-large', `The CA file ${file} is larger than ${MAX_CA_FILE_BYTES} bytes.`)
    pem = await fs.readFile(file, 'utf8')
  } catch (error) {
    if (error instanceof EngineError) throw error
    throw new EngineError('invalid-request', `Cannot read the CA file ${file}: ${(error as Error).message}`)
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new EngineError('invalid-request', `The CA file ${file} holds no PEM certificate.`)
  return pem
}

/** The tunnel's CA file replaces the system CAs; the extraCaFile setting adds to them. */
export async function trustPolicy(config: TunnelConfig, extraCaFile: string | null): Promise<TrustPolicy> {
  let policy: TrustPolicy
  if (config.pin) policy = { pin: config.pin, description: `pinned key ${config.pin}` }
  else if (config.caFile)
    policy = { ca: await readCaFile(config.caFile), pin: null, description: `CA file ${config.caFile}` }
  else if (extraCaFile) {
    const extra = await readCaFile(extraCaFile)
    policy = { ca: [...tls.rootCertificates, extra], pin: null, description: `system CAs + ${extraCaFile}` }
  } else policy = { pin: null, description: 'system CAs' }
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
