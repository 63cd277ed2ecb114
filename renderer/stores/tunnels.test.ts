import { afterEach, describe, expect, it } from 'vitest'
import type { ConnectionRecord, TunnelState } from '../../shared/contract/index.js'
import { LOG_RECORDS_SHOWN, useTunnelsStore } from './tunnels.js'

afterEach(() => useTunnelsStore.getState().reset())

const zero = {
  active: 0,
  total: 0,
  failed: 0,
  rejected: 0,
  loginsFailed: 0,
  bytesToUpstream: 0,
  bytesToClients: 0,
}
function tunnel(id: string, status: TunnelState['status'] = 'stopped'): TunnelState {
  return {
    config: {
      id,
      name: id,
      listenHost: '127.0.0.1',
      listenPort: 0,
      upstreamHost: 'imap.lab.test',
      upstreamPort: 993,
      mode: 'implicit-tls',
      protocol: 'imap',
      pin: null,
      caFile: null,
      autoStart: false,
      allowLan: false,
      allowedClients: [],
      localTls: 'plaintext',
      allowLegacyLocalTls: false,
      idleTimeoutMinutes: 30,
    },
    status,
    listening: null,
    lastError: null,
    startedAt: null,
    stats: zero,
    localCertificate: null,
  }
}
function record(tunnelId: string, seq: number): ConnectionRecord {
  return {
    tunnelId,
    seq,
    client: '127.0.0.1:5000',
    upstream: 'imap.lab.test:993',
    startedAt: '2026-12-01T00:00:00Z',
    durationMs: 5,
    bytesFromClient: 1,
    bytesToClient: 2,
    outcome: 'ok',
    error: null,
    tls: null,
    login: null,
    loginsFailed: 0,
    commands: [],
  }
}

describe('tunnels store', () => {
  it('applies pushed status, counters and deletions to the right tunnel', () => {
    const store = useTunnelsStore.getState()
    store.receiveStatus(tunnel('a'))
    store.receiveStatus(tunnel('b'))
    store.receiveStatus({ ...tunnel('a'), status: 'listening' })
    store.receiveStats({ id: 'b', stats: { ...zero, total: 3 } })
    let { tunnels } = useTunnelsStore.getState()
    expect(tunnels.map((t) => [t.config.id, t.status, t.stats.total])).toEqual([
      ['a', 'listening', 0],
      ['b', 'stopped', 3],
    ])
    store.receiveDeleted({ id: 'a' })
    ;({ tunnels } = useTunnelsStore.getState())
    expect(tunnels.map((t) => t.config.id)).toEqual(['b'])
  })

  it('keeps connection records only for an opened log, newest first and bounded', () => {
    const store = useTunnelsStore.getState()
    store.receiveConnection(record('a', 1))
    expect(useTunnelsStore.getState().logs).toEqual({})
    useTunnelsStore.setState({ logs: { a: [] } })
    for (let i = 0; i < LOG_RECORDS_SHOWN + 5; i++) store.receiveConnection(record('a', i))
    const shown = useTunnelsStore.getState().logs.a ?? []
    expect(shown).toHaveLength(LOG_RECORDS_SHOWN)
    expect(shown[0]?.seq).toBe(LOG_RECORDS_SHOWN + 4)
  })

  it('hands a draft over once', () => {
    const store = useTunnelsStore.getState()
    store.offerDraft({ upstreamHost: 'imap.lab.test', upstreamPort: 993 })
    expect(store.takeDraft()).toEqual({
      draft: { upstreamHost: 'imap.lab.test', upstreamPort: 993 },
      seen: null,
    })
    expect(useTunnelsStore.getState().takeDraft()).toBeNull()
  })
})

describe('a failed connection', () => {
  it('becomes the tunnel’s last error at once', () => {
    const store = useTunnelsStore.getState()
    store.receiveStatus(tunnel('a', 'listening'))
    store.receiveConnection({
      ...record('a', 1),
      outcome: 'failed',
      error: 'The certificate is for other.example.net.',
    })
    expect(useTunnelsStore.getState().tunnels[0]?.lastError).toBe('The certificate is for other.example.net.')
  })
})
