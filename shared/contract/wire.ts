// The two transports' framing. Desktop: one ipcRenderer.invoke channel per operation and one
// event channel. Browser tab: JSON messages over one WebSocket at /api?token=...
import { z } from 'zod'
import type { Listener, RawApi, Unsubscribe } from './api.js'
import { ApiErrorBody, EnvelopeSchema } from './envelope.js'
import type { EventName } from './events.js'
import type { ArchiveRegistrar } from './message-source.js'
import type { OpName } from './operations.js'

/** Where the preload puts the bridge: window.mailwarden. */
export const DESKTOP_BRIDGE_KEY = 'mailwarden'

/** What the preload exposes: one function per operation, and a typed event subscription. */
export interface DesktopBridge {
  api: RawApi
  onEvent<K extends EventName>(event: K, listener: Listener<K>): Unsubscribe
  /** Registers a picked or dropped mbox by its path (the page never sees it); see ArchiveRegistrar. */
  archives?: ArchiveRegistrar
}

export function ipcChannel(op: OpName): string {
  return `mailwarden:${op}`
}
export const IPC_EVENT_CHANNEL = 'mailwarden:event'

/** The WebSocket path; the token travels as ?token= on the upgrade request. */
export const WS_PATH = '/api'

/** Messages larger than this are refused (close code 1009): the engine is not a bulk store. */
export const WS_MAX_MESSAGE_BYTES = 1024 * 1024

export const WsCall = z
  .object({
    type: z.literal('call'),
    id: z.number().int().nonnegative(),
    op: z.string().max(100),
    payload: z.unknown(),
  })
  .strict()
export type WsCall = z.infer<typeof WsCall>

export const WsServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), result: EnvelopeSchema }).strict(),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }).strict(),
  /** A message the host could not take (not JSON, not a call): the connection stays open. */
  z.object({ type: z.literal('error'), error: ApiErrorBody }).strict(),
])
export type WsServerMessage = z.infer<typeof WsServerMessage>
