// A tunnel without a CA file of its own trusts the operating system's trust store, as the probe
// does: a company CA installed in the OS verifies through the tunnel too. The store is stood in
// for by MAILWARDEN_SYSTEM_CA_FILE (a PEM file read as the OS bundle), here the lab CA or not.
import { afterEach, describe, expect, it } from 'vitest'
import { createResolver } from '../../core/dns/resolver.js'
import { SYSTEM_CA_FILE_ENV } from '../../core/net/trust-store.js'
import { checkUpstream } from '../../core/tunnel/check.js'
import { cachedResolve, trustPolicy } from '../../core/tunnel/runtime.js'
import { TunnelConfig } from '../../shared/contract/tunnel-config.js'
import { getLab } from '../lab/lab.js'

const lab = getLab()
const saved = process.env[SYSTEM_CA_FILE_ENV]
afterEach(() => {
  if (saved === undefined) delete process.env[SYSTEM_CA_FILE_ENV]
  else process.env[SYSTEM_CA_FILE_ENV] = saved
})

const config = TunnelConfig.parse({
  id: 'os-store',
  name: 'OS store',
  listenPort: 0,
  upstreamHost: lab.good.dovecot.host,
  upstreamPort: lab.ports.imaps,
  mode: 'implicit-tls',
  protocol: 'imap',
})

async function check(osStore: string) {
  process.env[SYSTEM_CA_FILE_ENV] = osStore
  const trust = await trustPolicy(config, null)
  const resolve = cachedResolve(async () => createResolver({ server: lab.dns.server }))
  return { trust, result: await checkUpstream(config, { trust, timeoutMs: 5_000, resolve }) }
}

describe('the tunnel trusts the OS trust store', () => {
  it('verifies a server whose CA is in the OS store, and says which store it used', async () => {
    const { trust, result } = await check(lab.caPath)
    expect(trust.description).toContain(`the system trust store (${lab.caPath}`)
    expect(result.state).toBe('verified')
  })

  it('cannot verify the same server when its CA is not in the OS store', async () => {
    // Debian's bundle: real roots, no lab CA.
    const { result } = await check('/etc/ssl/certs/ca-certificates.crt')
    expect(result.state).toBe('cannot-verify')
  })

  it('adds the extra CA file setting to the OS store', async () => {
    process.env[SYSTEM_CA_FILE_ENV] = '/etc/ssl/certs/ca-certificates.crt'
    const trust = await trustPolicy(config, lab.caPath)
    expect(trust.description).toContain(`+ ${lab.caPath}`)
    const resolve = cachedResolve(async () => createResolver({ server: lab.dns.server }))
    expect((await checkUpstream(config, { trust, timeoutMs: 5_000, resolve })).state).toBe('verified')
  })
})
