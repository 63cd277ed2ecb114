// The desktop bridge, built from the contract alone so that it can be tested without Electron.
// It exposes one function per operation and a subscription limited to the contract's events:
// never a generic invoke(channel), and never ipcRenderer or its event objects (which carry `sender`).
import {
  ARCHIVE_IPC_CHANNEL,
  buildRawApi,
  type DesktopBridge,
  type Envelope,
  type EventName,
  type EventPayload,
  ipcChannel,
  isEventName,
  type Listener,
  type UploadReceipt,
} from '../shared/contract/index.js'

export type Invoke = (channel: string, payload: unknown) => Promise<unknown>
export type Subscribe = (listener: (event: string, payload: unknown) => void) => () => void

/** Electron's webUtils.getPathForFile: the path of a File the user picked or dropped, '' for any other. */
export type PathForFile = (file: object) => string

export function createDesktopBridge(
  invoke: Invoke,
  subscribe: Subscribe,
  pathForFile?: PathForFile,
): DesktopBridge {
  // The main process answers every channel with an envelope (see ipc.ts); it is trusted to.
  const api = buildRawApi((op, request) => invoke(ipcChannel(op), request) as Promise<Envelope<unknown>>)

  function onEvent<K extends EventName>(event: K, listener: Listener<K>): () => void {
    // The page is not trusted to stay within the contract: refuse loudly rather than listen to nothing.
    if (!isEventName(event)) throw new TypeError(`There is no event named ${JSON.stringify(event)}.`)
    if (typeof listener !== 'function') throw new TypeError('An event listener must be a function.')
    return subscribe((name, payload) => {
      if (name === event) listener(payload as EventPayload<K>)
    })
  }

  if (!pathForFile) return { api, onEvent }
  // An mbox is named by its path, which only Electron knows and the page never sees.
  const archives = {
    async register(file: object) {
      let where = ''
      try {
        where = pathForFile(file)
      } catch {
        // Not a File: fall through to the refusal.
      }
      if (!where)
        return {
          ok: false as const,
          error: {
            code: 'invalid-request' as const,
            message: 'Only a file chosen or dropped from disk can be opened as an mbox.',
          },
        }
      return invoke(ARCHIVE_IPC_CHANNEL, where) as Promise<Envelope<UploadReceipt>>
    },
  }
  return { api, onEvent, archives }
}
