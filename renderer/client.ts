// The one contract client of this page, set at start-up (or by a test) and used by store actions.
import { type Api, type Client, INLINE_MESSAGE_MAX_BYTES } from '../shared/contract/index.js'
import { createInlineSender, type MessageSender } from './transport/message-sender.js'

let current: Client | null = null

export function setClient(client: Client | null): void {
  current = client
}

export function api(): Api {
  if (!current) throw new Error('The Mailwarden client is not set up yet: call setClient() at start-up.')
  return current.api
}

/** What every action returns to its caller: the UI shows the engine's sentence on failure. */
export type ActionResult = { ok: true } | { ok: false; message: string }

export function failed(error: unknown): { ok: false; message: string } {
  return { ok: false, message: errorMessage(error) }
}

/** An ApiError already carries one clear sentence; anything else is a bug worth naming plainly. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : `Something unexpected went wrong: ${String(error)}`
}

// How this page hands a message to the engine (set at start-up from the transport, or by a test).
let sender: MessageSender | null = null

export function setMessageSender(next: MessageSender | null): void {
  sender = next
}

/** The link's sender; without one, messages go inline within the WebSocket's share. */
export function messageSender(): MessageSender {
  sender ??= createInlineSender(INLINE_MESSAGE_MAX_BYTES)
  return sender
}
