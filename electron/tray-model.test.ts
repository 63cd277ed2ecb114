import { describe, expect, it } from 'vitest'
import { keepsRunningWhenClosed, MAX_TUNNELS_IN_TRAY, type TunnelState, trayModel } from './tray-model.js'

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
})
