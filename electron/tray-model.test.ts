import { describe, expect, it } from 'vitest'
import type { TunnelState as EngineTunnel, UpstreamCheck } from '../shared/contract/tunnel.js'
import { TunnelConfig } from '../shared/contract/tunnel-config.js'
import {
  keepsRunningWhenClosed,
  MAX_TUNNELS_IN_TRAY,
  type TunnelState,
  trayModel,
  trayTunnel,
} from './tray-model.js'

const tunnel = (id: string, status: TunnelState['status'], error: string | null = null): TunnelState => ({
  id,
  name: `T${id}`,
  status,
  route: `127.0.0.1:1${id}43 → imap.example.org:993`,
  error,
})

describe('trayModel', () => {
  it('is idle with no tunnel, and offers open and quit', () => {
    const model = trayModel([])
    expect(model.status).toBe('idle')
    expect(model.tooltip).toBe('Mailwarden: no tunnel running')
    expect(model.items.map((i) => i.kind)).toEqual(['open', 'separator', 'quit'])
  })

  it('shows running tunnels with stop, stopped ones with start, and an error first in the status', () => {
    const model = trayModel([
      tunnel('1', 'running'),
      tunnel('2', 'stopped'),
      tunnel('3', 'error', 'certificate expired'),
    ])
    expect(model.status).toBe('error')
    expect(model.tooltip).toBe('Mailwarden: 1 tunnel running, 1 in error')
    const tunnels = model.items.filter((i) => i.kind === 'tunnel')
    expect(tunnels.map((t) => [t.id, t.action])).toEqual([
      ['1', 'stop'],
      ['2', 'start'],
      ['3', 'start'],
    ])
    expect(tunnels[2]?.label).toContain('error: certificate expired')
  })

  it('is active while any tunnel runs, and bounds a long list', () => {
    const many = Array.from({ length: MAX_TUNNELS_IN_TRAY + 3 }, (_, i) => tunnel(String(i), 'running'))
    const model = trayModel(many)
    expect(model.status).toBe('active')
    expect(model.items.filter((i) => i.kind === 'tunnel')).toHaveLength(MAX_TUNNELS_IN_TRAY)
    expect(model.items.some((i) => i.kind === 'header' && i.label === '3 more in the window')).toBe(true)
  })

  it('keeps the app running when the window closes only while a tunnel is up', () => {
    expect(keepsRunningWhenClosed([tunnel('1', 'stopped'), tunnel('2', 'error')])).toBe(false)
    expect(keepsRunningWhenClosed([tunnel('1', 'starting')])).toBe(true)
  })

  it('does not call a listening tunnel whose server is not verified simply running', () => {
    const engineTunnel = (check: UpstreamCheck | null): EngineTunnel => ({
      config: TunnelConfig.parse({
        id: 'lab',
        name: 'Lab',
        listenPort: 1143,
        upstreamHost: 'selfsigned.lab.test',
        upstreamPort: 993,
        mode: 'implicit-tls',
        protocol: 'imap',
      }),
      status: 'listening',
      listening: { host: '127.0.0.1', port: 1143 },
      lastError: null,
      startedAt: '2026-12-07T10:00:00.000Z',
      stats: {
        active: 0,
        total: 0,
        failed: 0,
        rejected: 0,
        loginsFailed: 0,
        bytesToUpstream: 0,
        bytesToClients: 0,
      },
      localCertificate: null,
      check,
      oauth: null,
    })
    const at = '2026-12-07T10:00:01.000Z'
    const unverified = trayTunnel(
      engineTunnel({
        state: 'cannot-verify',
        reason: 'self-signed',
        detail: 'x',
        certificate: null,
        checkedAt: at,
      }),
    )
    const model = trayModel([unverified])
    expect(model.status).toBe('error')
    expect(model.tooltip).toBe('Mailwarden: 1 tunnel running, 1 in error')
    const item = model.items.find((i) => i.kind === 'tunnel')
    expect(item).toMatchObject({ action: 'stop' })
    expect(item?.label).toContain('running, The server’s certificate is self-signed')

    const verified = trayTunnel(
      engineTunnel({ state: 'verified', reason: null, detail: null, certificate: null, checkedAt: at }),
    )
    expect(trayModel([verified]).status).toBe('active')
    expect(trayModel([trayTunnel(engineTunnel(null))]).status).toBe('active')
  })

  it('marks a tunnel whose OAuth account needs a new sign-in, running or stopped', () => {
    const oauthTunnel = (
      status: EngineTunnel['status'],
      state: 'ready' | 'needs-authorization' | 'refresh-failed',
    ) =>
      trayTunnel({
        config: TunnelConfig.parse({
          id: 'o',
          name: 'Work',
          listenPort: 1143,
          upstreamHost: 'oauth.lab.test',
          upstreamPort: 993,
          mode: 'implicit-tls',
          protocol: 'imap',
          oauth: { accountId: 'alice' },
        }),
        status,
        listening: status === 'listening' ? { host: '127.0.0.1', port: 1143 } : null,
        lastError: null,
        startedAt: null,
        stats: {
          active: 0,
          total: 0,
          failed: 0,
          rejected: 0,
          loginsFailed: 0,
          bytesToUpstream: 0,
          bytesToClients: 0,
        },
        localCertificate: null,
        check: null,
        oauth: {
          accountId: 'alice',
          address: 'alice@lab.test',
          state,
          localPasswordSet: true,
          lastError: null,
        },
      })
    const needs = oauthTunnel('listening', 'needs-authorization')
    expect(needs.problem).toBe('needs sign-in (alice@lab.test)')
    expect(needs.needsSignInFor).toBe('alice@lab.test')
    const model = trayModel([needs])
    expect(model.status).toBe('error')
    expect(model.items.find((i) => i.kind === 'tunnel')?.label).toContain(
      'running, needs sign-in (alice@lab.test)',
    )
    expect(oauthTunnel('stopped', 'needs-authorization').problem).toBe('needs sign-in (alice@lab.test)')
    expect(oauthTunnel('listening', 'refresh-failed').problem).toBe('token refresh failed (alice@lab.test)')
    expect(oauthTunnel('listening', 'refresh-failed').needsSignInFor).toBeNull()
    const ready = oauthTunnel('listening', 'ready')
    expect(ready.problem).toBeNull()
    expect(trayModel([ready]).status).toBe('active')
  })
})
