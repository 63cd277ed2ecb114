// A CLI tunnel's id (which names its local certificate in the keychain) comes from where it
// listens and where it goes, not from its place in a --config file.
import { describe, expect, it } from 'vitest'
import { TunnelId } from '../../../shared/contract/tunnel.js'
import { toConfigs } from './tunnel.js'
import { cliTunnelId, cliTunnelIdsOfOneRun, type TunnelEnds } from './tunnel-id.js'

const imap: TunnelEnds = {
  listenHost: '127.0.0.1',
  listenPort: 1143,
  upstreamHost: 'imap.example.com',
  upstreamPort: 993,
}

describe('cliTunnelId', () => {
  it('is readable, valid as a tunnel id, and the same for the same two ends', () => {
    expect(cliTunnelId(imap)).toMatch(/^cli-127-0-0-1-1143-imap-example-com-993-[0-9a-f]{12}$/)
    expect(cliTunnelId({ ...imap })).toBe(cliTunnelId(imap))
    expect(cliTunnelId({ ...imap, upstreamHost: 'IMAP.Example.COM' })).toBe(cliTunnelId(imap))
  })

  it('differs when either end differs', () => {
    const ids = [
      imap,
      { ...imap, listenHost: '0.0.0.0' },
      { ...imap, listenPort: 1144 },
      { ...imap, upstreamHost: 'imap2.example.com' },
      { ...imap, upstreamPort: 143 },
      // Same readable part, told apart by the hash.
      { ...imap, upstreamHost: 'imap-example.com' },
    ].map(cliTunnelId)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('fits the id rules with the longest hosts and IPv6, and never looks like an old cli-N id', () => {
    const long = cliTunnelId({
      listenHost: 'fd00:1234:5678:9abc:def0:1234:5678:9abc',
      listenPort: 65535,
      upstreamHost: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
      upstreamPort: 65535,
    })
    expect(TunnelId.safeParse(long).success).toBe(true)
    expect(TunnelId.safeParse(`${long}-100`).success).toBe(true)
    expect(cliTunnelId({ ...imap, listenHost: '::1' })).toMatch(/^cli-1-1143-imap-example-com-993-/)
    expect(cliTunnelId(imap)).not.toMatch(/^cli-\d+$/)
  })

  it('tells the same two ends apart within one run by -2, -3', () => {
    const idOf = cliTunnelIdsOfOneRun()
    const other = { ...imap, upstreamPort: 995 }
    expect([idOf(imap), idOf(other), idOf(imap), idOf(imap)]).toEqual([
      cliTunnelId(imap),
      cliTunnelId(other),
      `${cliTunnelId(imap)}-2`,
      `${cliTunnelId(imap)}-3`,
    ])
  })
})

describe('the tunnels of a --config file', () => {
  const a = { listen: '1143', to: 'imap.example.com:993', tls: 'implicit-tls', protocol: 'imap' } as const
  const b = {
    listen: '127.0.0.1:1587',
    to: 'smtp.example.com:587',
    tls: 'starttls',
    protocol: 'smtp',
  } as const

  it('keep their ids when their order changes', () => {
    const [a1, b1] = toConfigs([a, b])
    const [b2, a2] = toConfigs([b, a])
    expect(a1?.id).toBe(a2?.id)
    expect(b1?.id).toBe(b2?.id)
    expect(a1?.id).not.toBe(b1?.id)
    // The default listen host is part of the ends as if written.
    expect(a1?.id).toBe(cliTunnelId(imap))
    // Names still follow the order (they are only for the log).
    expect([a1?.name, b2?.name]).toEqual(['tunnel 1', 'tunnel 1'])
  })
})
