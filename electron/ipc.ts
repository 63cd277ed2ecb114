// Electron's side of the desktop transport: one ipcMain.handle per contract operation, every one
// wrapped in the same sender guard, and the engine's events forwarded to the app's own windows.
// Electron objects are described structurally so that this file is tested without Electron.
import {
  type Envelope,
  type EventName,
  type EventPayload,
  eventNames,
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type OpName,
  opNames,
} from '../shared/contract/index.js'
import { type FrameLike, isTrustedSender } from './sender.js'

export interface InvokeEventLike {
  readonly senderFrame: FrameLike | null
  /** The window's webContents: its id names the caller, its destruction cancels its runs. */
  readonly sender?: { readonly id: number; once(event: 'destroyed', listener: () => void): void }
}

export type IpcHandler = (event: InvokeEventLike, payload: unknown) => Promise<Envelope<unknown>>

/** The part of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, handler: IpcHandler): void
  removeHandler(channel: string): void
}

/** The part of the engine used here: the shell adds no behaviour of its own. */
export interface IpcEngine {
  call(op: OpName, payload: unknown, caller?: { id: string }): Promise<Envelope<unknown>>
  releaseCaller?(caller: { id: string }): void
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void
  readonly log: { warn(source: string, message: string): void }
}

/** A window's webContents, as far as event delivery needs it. */
export interface EventRecipient {
  readonly mainFrame: FrameLike | null
  isDestroyed(): boolean
  send(channel: string, ...args: unknown[]): void
}

export interface IpcOptions {
  /** The webContents of every open window (BrowserWindow.getAllWindows() in main.ts). */
  recipients: () => readonly EventRecipient[]
}

/** The frame URL as it may appear in a log line: bounded, since a page chooses its own URL. */
function describeFrame(frame: FrameLike | null): string {
  if (frame === null) return 'a frame that no longer exists'
  try {
    return JSON.stringify(frame.url.slice(0, 200))
  } catch {
    return 'a disposed frame'
  }
}

const watched = new WeakSet<object>()

/** The caller a window's calls are made as; the first call arranges the cancel-on-close. */
function callerOf(event: InvokeEventLike, engine: IpcEngine): { id: string } | undefined {
  const sender = event.sender
  if (!sender) return undefined
  const caller = { id: `window:${sender.id}` }
  if (!watched.has(sender)) {
    watched.add(sender)
    sender.once('destroyed', () => engine.releaseCaller?.(caller))
  }
  return caller
}

/** The one guard around every handler. The payload is never logged: it may hold a secret. */
export function guard(op: OpName, engine: IpcEngine): IpcHandler {
  return async (event, payload) => {
    if (!isTrustedSender(event.senderFrame)) {
      engine.log.warn(
        'electron',
        `Refused ${op} from ${describeFrame(event.senderFrame)}: not the app's page.`,
      )
      return {
        ok: false,
        error: { code: 'forbidden', message: `${op} may only be called by Mailwarden's own page.` },
      }
    }
    return engine.call(op, payload, callerOf(event, engine))
  }
}

/** Registers every operation and forwards every event; the returned function undoes both. */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  engine: IpcEngine,
  options: IpcOptions,
): () => void {
  for (const op of opNames) ipcMain.handle(ipcChannel(op), guard(op, engine))

  const unsubscribes = eventNames.map((name) =>
    engine.on(name, (payload) => {
      for (const contents of options.recipients()) {
        // A window showing anything but the app's page gets nothing, like a caller would.
        if (!contents.isDestroyed() && isTrustedSender(contents.mainFrame)) {
          contents.send(IPC_EVENT_CHANNEL, name, payload)
        }
      }
    }),
  )

  return () => {
    for (const op of opNames) ipcMain.removeHandler(ipcChannel(op))
    for (const unsubscribe of unsubscribes) unsubscribe()
  }
}
