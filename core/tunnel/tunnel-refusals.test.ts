// A real tunnel refusing real clients from loopback addresses not on its allowlist: every refusal
// is answered, recorded and counted, but the warnings are one per address per window, with the
// rest counted in one line after the window or when the tunnel stops (the window's clock is the
// test's). The listener is a LAN one (0.0.0.0): a loopback listener accepts all of 127/8.
import { afterEach, describe, expect, it } from 'vitest'
import { connectFrom } from '../../e2e/tunnel/connect-from.js'
import type { ConnectionRecord } from '../../shared/contract/tunnel.js'
import { TunnelConfig } from '../../shared/contract/tunnel-config.js'
import { Tunnel } from './tunnel.js'

const NOT_ALLOWED = "This client address is not on the tunnel's allowlist."
const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()))
})

async function refusingTunnel() {
  let now = 0
  const warnings: string[] = []
  const records: ConnectionRecord[] = []
  const config = TunnelConfig.parse({
    id: 'refusals-test',
    name: 'refusals test',
    listenHost: '0.0.0.0',
    listenPort: 0,
    // Never reached: every client here is refused before an upstream is opened.
    upstreamHost: '127.0.0.1',
    upstreamPort: 9,
    mode: 'implicit-tls',
    protocol: 'imap',
    allowLan: true,
    allowedClients: ['127.0.0.5'],
  })
  const tunnel = new Tunnel(config, {
    trust: { pin: null, description: 'unused' },
    timeoutMs: 1_000,
    resolve: async (host) => host,
    onRecord: (record) => records.push(record),
    warn: (line) => warnings.push(line),
    refusalLog: { now: () => now },
  })
  const { port } = await tunnel.start()
  stops.push(() => tunnel.stop())
  return {
    tunnel,
    warnings,
    records,
    advance: (ms: number) => {
      now += ms
    },
    refuse: async (from: string, times: number) => {
      for (let i = 0; i < times; i++)
        expect(await connectFrom(from, port)).toBe(
          `* BYE [UNAVAILABLE] Mailwarden tunnel: ${NOT_ALLOWED}\r\n`,
        )
    },
  }
}

describe('refused clients of a LAN tunnel', () => {
  it('are all answered and counted, but warned of and recorded once per address per minute, the rest counted', async () => {
    const t = await refusingTunnel()
    await t.refuse('127.0.0.6', 30)
    await t.refuse('127.0.0.7', 3)
    expect(t.warnings).toHaveLength(2)
    expect(t.warnings[0]).toMatch(
      /^127\.0\.0\.6:\d+: refused: This client address is not on the tunnel's allowlist\.$/,
    )
    expect(t.warnings[1]).toMatch(/^127\.0\.0\.7:\d+: refused: /)

    t.advance(60_000)
    await t.refuse('127.0.0.6', 1)
    expect(t.warnings.slice(2)).toEqual([
      '127.0.0.6: refused 29 more times within a minute of the line above for it (not logged one by one)',
      '127.0.0.7: refused 2 more times within a minute of the line above for it (not logged one by one)',
      expect.stringMatching(/^127\.0\.0\.6:\d+: refused: /),
    ])

    await t.refuse('127.0.0.6', 4)
    expect(t.warnings).toHaveLength(5)
    await t.tunnel.stop()
    expect(t.warnings.slice(5)).toEqual([
      '127.0.0.6: refused 4 more times within a minute of the line above for it (not logged one by one)',
    ])

    // A record goes with each logged line (three), so a scan cannot push real sessions out of the
    // app's bounded log; the count is not limited: all 38 refusals.
    expect(t.records).toHaveLength(3)
    expect(t.records.every((r) => r.outcome === 'rejected' && r.error === NOT_ALLOWED)).toBe(true)
    expect(t.records.map((r) => r.client.replace(/:\d+$/, ''))).toEqual([
      '127.0.0.6',
      '127.0.0.7',
      '127.0.0.6',
    ])
    expect(t.tunnel.stats()).toMatchObject({ rejected: 38, total: 0, active: 0 })
  })
})
