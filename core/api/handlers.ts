// The engine's side of the contract: one handler per operation, fed an already-validated request
// and the caller it came from (so long runs know whose window or tab they belong to).
import type { z } from 'zod'
import type { Operations, OpName, OpResponse } from '../../shared/contract/index.js'

export type OpParsedRequest<K extends OpName> = z.output<Operations[K]['request']>

/**
 * Who asked: one id per window (Electron webContents), browser tab (WebSocket connection) or CLI
 * run. When a caller goes away the engine cancels the runs it started.
 */
export interface Caller {
  readonly id: string
}

/** The CLI and in-process tests: one caller that lives as long as the engine. */
export const LOCAL_CALLER: Caller = { id: 'local' }

export type Handler<K extends OpName> = (
  request: OpParsedRequest<K>,
  caller: Caller,
) => Promise<OpResponse<K>>

export type Handlers = { [K in OpName]: Handler<K> }

/** What one job module contributes: its handlers and, if it holds resources, how to free them. */
export interface JobModule<K extends OpName> {
  handlers: { [P in K]: Handler<P> }
  /** Stops every resource (tunnels, sockets); called once by Engine.dispose(). */
  dispose?(): Promise<void>
}
