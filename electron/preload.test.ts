// preload.ts itself: the one place ipcRenderer is touched. Electron is mocked because it cannot
// be loaded outside its runtime; what is checked is what reaches the page.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import {
  ARCHIVE_IPC_CHANNEL,
  DESKTOP_BRIDGE_KEY,
  IPC_EVENT_CHANNEL,
  ipcChannel,
} from '../shared/contract/index.js'

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: {
    invoke: vi.fn(async () => ({ ok: true, value: null })),
    on: vi.fn(),
    removeListener: vi.fn(),
  },
  // A picked file has a path; anything the page makes up has ''.
  webUtils: { getPathForFile: vi.fn((file: { picked?: string }) => file.picked ?? '') },
}))
vi.mock('electron', () => electron)

type Bridge = {
  api: { app: { info: (payload: unknown) => Promise<unknown> } }
  onEvent: (event: string, listener: (payload: unknown) => void) => () => void
  archives: { register: (file: object) => Promise<unknown> }
}

let bridge: Bridge

beforeAll(async () => {
  await import('./preload.js')
  const call = electron.contextBridge.exposeInMainWorld.mock.calls[0] as unknown[] | undefined
  expect(call?.[0]).toBe(DESKTOP_BRIDGE_KEY)
  bridge = call?.[1] as Bridge
})

describe('preload', () => {
  it('exposes the bridge once, under window.mailwarden, and never ipcRenderer', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
    expect(Object.keys(bridge).sort()).toEqual(['api', 'archives', 'onEvent'])
    expect(Object.values(bridge)).not.toContain(electron.ipcRenderer)
  })

  it('registers a picked mbox by the path Electron gives, and refuses a File with none', async () => {
    await bridge.archives.register({ picked: '/home/ann/inbox.mbox' })
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(ARCHIVE_IPC_CHANNEL, '/home/ann/inbox.mbox')
    electron.ipcRenderer.invoke.mockClear()
    expect(await bridge.archives.register({})).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    })
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled()
  })

  it('calls ipcRenderer.invoke on the operation channel', async () => {
    await bridge.api.app.info({})
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(ipcChannel('app.info'), {})
  })

  it('hands the page the payload, never the IpcRendererEvent (whose sender is ipcRenderer)', () => {
    const listener = vi.fn()
    const unsubscribe = bridge.onEvent('log', listener)
    const [channel, handler] = electron.ipcRenderer.on.mock.calls[0] as unknown as [
      string,
      (event: unknown, name: string, payload: unknown) => void,
    ]
    expect(channel).toBe(IPC_EVENT_CHANNEL)
    handler({ sender: electron.ipcRenderer }, 'log', { message: 'hi' })
    expect(listener).toHaveBeenCalledWith({ message: 'hi' })
    expect(listener.mock.calls[0]).toHaveLength(1)

    unsubscribe()
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, handler)
  })
})
