import { describe, expect, it, vi } from 'vitest'
import {
  type Envelope,
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type OpName,
  opNames,
} from '../shared/contract/index.js'
import { type EventRecipient, type IpcEngine, type IpcHandler, registerIpcHandlers } from './ipc.js'

const TRUSTED = { url: 'app://mailwarden/index.html' }

/** An ipcMain that only records what is registered, so handlers can be called directly. */
function fakeIpcMain() {
  const handlers = new Map<string, IpcHandler>()
  return {
    handlers,
    handle: vi.fn((channel: string, handler: IpcHandler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, handler)
    }),
    removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
  }
}

function fakeEngine() {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const engine = {
    call: vi.fn(
      async (op: OpName, payload: unknown): Promise<Envelope<unknown>> => ({
        ok: true,
        value: { op, payload },
      }),
    ),
    on: vi.fn((event: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set()
      set.add(listener)
      listeners.set(event, set)
      return () => set.delete(listener)
    }),
    log: { warn: vi.fn() },
  }
  const emit = (event: string, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) listener(payload)
  }
  return { engine, emit, listeners }
}

function setup(recipients: EventRecipient[] = []) {
  const ipcMain = fakeIpcMain()
  const fake = fakeEngine()
  const dispose = registerIpcHandlers(ipcMain, fake.engine as unknown as IpcEngine, {
    recipients: () => recipients,
  })
  const handlerFor = (op: OpName): IpcHandler => {
    const handler = ipcMain.handlers.get(ipcChannel(op))
    if (handler === undefined) throw new Error(`no handler for ${op}`)
    return handler
  }
  return { ipcMain, ...fake, dispose, handlerFor }
}

describe('registerIpcHandlers', () => {
  it('registers exactly one handler per contract operation, on its channel', () => {
    const { ipcMain } = setup()
    expect([...ipcMain.handlers.keys()].sort()).toEqual(opNames.map(ipcChannel).sort())
  })

  it.each(opNames)('%s: a trusted sender reaches the engine with its payload', async (op) => {
    const { engine, handlerFor } = setup()
    const payload = { some: 'payload' }
    const result = await handlerFor(op)({ senderFrame: TRUSTED }, payload)
    expect(engine.call).toHaveBeenCalledTimes(1)
    expect(engine.call).toHaveBeenCalledWith(op, payload, undefined)
    expect(result).toEqual({ ok: true, value: { op, payload } })
    expect(engine.log.warn).not.toHaveBeenCalled()
  })

  it('calls as the window that sent, and releases that window when it is destroyed', async () => {
    const { engine, handlerFor } = setup()
    const release = vi.fn()
    Object.assign(engine, { releaseCaller: release })
    let destroyed: (() => void) | undefined
    const sender = { id: 7, once: (_event: 'destroyed', listener: () => void) => (destroyed = listener) }
    await handlerFor('settings.get')({ senderFrame: TRUSTED, sender }, {})
    await handlerFor('settings.get')({ senderFrame: TRUSTED, sender }, {})
    expect(engine.call).toHaveBeenLastCalledWith('settings.get', {}, { id: 'window:7' })
    expect(release).not.toHaveBeenCalled()
    destroyed?.()
    expect(release).toHaveBeenCalledExactlyOnceWith({ id: 'window:7' })
  })

  it.each(opNames)('%s: an untrusted sender is refused before the engine', async (op) => {
    const { engine, handlerFor } = setup()
    for (const senderFrame of [
      { url: 'http://127.0.0.1:5173/' },
      { url: 'file:///tmp/index.html' },
      { url: 'app://evil/index.html' },
      null,
    ]) {
      const result = await handlerFor(op)({ senderFrame }, { account: 'a', secret: 'hunter2' })
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    }
    expect(engine.call).not.toHaveBeenCalled()
    expect(engine.log.warn).toHaveBeenCalledTimes(4)
  })

  it('logs the refusal without the payload', async () => {
    const { engine, handlerFor } = setup()
    await handlerFor('secrets.set')({ senderFrame: { url: 'https://evil.example/' } }, { secret: 'hunter2' })
    const [source, message] = engine.log.warn.mock.calls[0] as [string, string]
    expect(source).toBe('electron')
    expect(message).toContain('secrets.set')
    expect(message).toContain('https://evil.example/')
    expect(message).not.toContain('hunter2')
  })

  it("forwards engine events only to live windows showing the app's page", () => {
    const recipient = (url: string, destroyed = false) => ({
      mainFrame: { url },
      isDestroyed: () => destroyed,
      send: vi.fn(),
    })
    const app = recipient('app://mailwarden/index.html')
    const elsewhere = recipient('https://evil.example/')
    const closed = recipient('app://mailwarden/index.html', true)
    const { emit } = setup([app, elsewhere, closed])

    const line = { at: 'now', level: 'info', source: 's', message: 'm' }
    emit('log', line)
    emit('settings.changed', { settings: {} })
    expect(app.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, 'log', line)
    expect(app.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, 'settings.changed', { settings: {} })
    expect(elsewhere.send).not.toHaveBeenCalled()
    expect(closed.send).not.toHaveBeenCalled()
  })

  it('disposing removes every handler and every event subscription', () => {
    const { ipcMain, listeners, dispose } = setup()
    dispose()
    expect(ipcMain.handlers.size).toBe(0)
    for (const set of listeners.values()) expect(set.size).toBe(0)
  })
})
