import { describe, expect, it, vi } from 'vitest'
import { type DesktopBridge, eventNames, ipcChannel, type OpName, opNames } from '../shared/contract/index.js'
import { createDesktopBridge, type Subscribe } from './preload-api.js'

type Fn = (payload: unknown) => Promise<unknown>

/** The bridge's api as "ns.method" → function, to compare with the contract's names. */
function flatten(bridge: DesktopBridge): Map<string, Fn> {
  const out = new Map<string, Fn>()
  for (const [ns, methods] of Object.entries(bridge.api as unknown as Record<string, Record<string, Fn>>)) {
    for (const [method, fn] of Object.entries(methods)) out.set(`${ns}.${method}`, fn)
  }
  return out
}

function fakeSubscribe() {
  const listeners = new Set<(event: string, payload: unknown) => void>()
  const subscribe: Subscribe = (listener) => {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }
  const emit = (event: string, payload: unknown) => {
    for (const listener of listeners) listener(event, payload)
  }
  return { subscribe, emit, listeners }
}

describe('createDesktopBridge', () => {
  const invoke = vi.fn(async (channel: string, payload: unknown) => ({
    ok: true,
    value: { channel, payload },
  }))
  const bridge = createDesktopBridge(invoke, fakeSubscribe().subscribe)

  it('exposes api and onEvent and nothing else', () => {
    expect(Object.keys(bridge).sort()).toEqual(['api', 'onEvent'])
    expect(bridge).not.toHaveProperty('invoke')
    expect(bridge).not.toHaveProperty('send')
    expect(bridge).not.toHaveProperty('ipcRenderer')
  })

  it('has exactly one function per contract operation', () => {
    const functions = flatten(bridge)
    expect([...functions.keys()].sort()).toEqual([...opNames].sort())
    for (const fn of functions.values()) expect(typeof fn).toBe('function')
  })

  it.each(opNames)('%s invokes its own channel with the payload untouched', async (op: OpName) => {
    invoke.mockClear()
    const payload = { marker: op }
    const fn = flatten(bridge).get(op)
    expect(fn).toBeDefined()
    const result = await fn?.(payload)
    expect(invoke).toHaveBeenCalledTimes(1)
    expect(invoke).toHaveBeenCalledWith(ipcChannel(op), payload)
    expect(invoke.mock.calls[0]?.[1]).toBe(payload)
    expect(result).toEqual({ ok: true, value: { channel: `mailwarden:${op}`, payload } })
  })
})

describe('onEvent', () => {
  it('refuses an event name outside the contract and subscribes to nothing', () => {
    const events = fakeSubscribe()
    const bridge = createDesktopBridge(vi.fn(), events.subscribe)
    const onEvent = bridge.onEvent as (event: string, listener: (payload: unknown) => void) => () => void
    for (const name of ['mailwarden:event', 'nope', '__proto__', 'toString', '']) {
      expect(() => onEvent(name, () => {})).toThrow(/no event named/)
    }
    expect(events.listeners.size).toBe(0)
  })

  it('refuses a listener that is not a function', () => {
    const bridge = createDesktopBridge(vi.fn(), fakeSubscribe().subscribe)
    const onEvent = bridge.onEvent as (event: string, listener: unknown) => () => void
    expect(() => onEvent('log', 'alert(1)')).toThrow(TypeError)
  })

  it('delivers only the named event, with its payload, until unsubscribed', () => {
    const events = fakeSubscribe()
    const bridge = createDesktopBridge(vi.fn(), events.subscribe)
    const listener = vi.fn()
    const unsubscribe = bridge.onEvent('log', listener)
    const line = { at: '2024-01-01T00:00:00Z', level: 'info', source: 't', message: 'm' }

    events.emit('settings.changed', { other: true })
    events.emit('not-an-event', {})
    events.emit('log', line)
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener).toHaveBeenCalledWith(line)

    unsubscribe()
    events.emit('log', line)
    expect(listener).toHaveBeenCalledTimes(1)
    expect(events.listeners.size).toBe(0)
  })

  it('accepts every contract event', () => {
    const bridge = createDesktopBridge(vi.fn(), fakeSubscribe().subscribe)
    for (const name of eventNames) expect(() => bridge.onEvent(name, () => {})()).not.toThrow()
  })
})
