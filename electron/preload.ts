// Sandboxed preload (bundled to CommonJS): hands the contract-derived bridge to the page as
// window.mailwarden. Everything else stays on this side of the context boundary.
import { contextBridge, type IpcRendererEvent, ipcRenderer, webUtils } from 'electron'
import { DESKTOP_BRIDGE_KEY, IPC_EVENT_CHANNEL } from '../shared/contract/wire.js'
import { createDesktopBridge } from './preload-api.js'

const bridge = createDesktopBridge(
  (channel, payload) => ipcRenderer.invoke(channel, payload),
  (listener) => {
    // Drop the IpcRendererEvent: its `sender` is ipcRenderer itself.
    const handler = (_event: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload)
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler)
    }
  },
  (file) => webUtils.getPathForFile(file as File),
)

contextBridge.exposeInMainWorld(DESKTOP_BRIDGE_KEY, bridge)
