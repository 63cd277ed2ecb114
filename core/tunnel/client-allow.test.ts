// Who may use a LAN tunnel: loopback always, then only the allowlist (addresses, CIDR ranges).
import { describe, expect, it } from 'vitest'
import { ClientAllowList, isLoopbackHost } from './client-allow.js'

describe('client allowlist', () => {
  const list = new ClientAllowList(['192.168.1.50', '10.0.0.0/24', 'fd00::/8'])
  it('accepts loopback, listed addresses and ranges (also IPv4-mapped)', () => {
    for (const address of [
      '127.0.0.1',
      '::1',
      '::ffff:127.0.0.1',
      '192.168.1.50',
      '::ffff:10.0.0.9',
      'fd00::1',
    ])
      expect(list.allows(address), address).toBe(true)
  })
  it('refuses everything else, other loopback addresses included unless listed', () => {
    for (const address of ['192.168.1.51', '10.0.1.1', 'fe80::1', '127.0.0.6', undefined, 'not-an-ip'])
      expect(list.allows(address), String(address)).toBe(false)
  })
  it('accepts another loopback address once listed, or any on a loopback listener', () => {
    expect(new ClientAllowList(['127.0.0.5']).allows('127.0.0.5')).toBe(true)
    expect(new ClientAllowList([], { anyLoopback: true }).allows('127.0.0.6')).toBe(true)
  })
  it('refuses entries that are not addresses or ranges', () => {
    expect(() => new ClientAllowList(['printer.local'])).toThrow(/not an IP address/)
    expect(() => new ClientAllowList(['10.0.0.0/33'])).toThrow(/prefix length/)
  })
  it('knows loopback listen hosts', () => {
    expect(['127.0.0.1', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(true)
    expect(['0.0.0.0', '192.168.1.2', '::'].some(isLoopbackHost)).toBe(false)
  })
})
