// What the UI may know about the link to the engine: whether it works, never which kind it is.
import type { Transport, Unsubscribe } from '../../shared/contract/index.js'
import type { MessageSender } from './message-sender.js'

export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'connected' }
  /** The link dropped; the transport is trying again on its own. */
  | { status: 'reconnecting'; attempt: number }
  /**
   * The link cannot work without the user doing something; `reason` says what. `problem` tells the
   * banner which case it is: the page's address had no key, or the host refused the key it had.
   */
  | { status: 'failed'; reason: string; problem?: 'no-token' | 'refused' }

export interface ConnectionSource {
  current(): ConnectionState
  subscribe(listener: (state: ConnectionState) => void): Unsubscribe
}

export interface PickedTransport {
  transport: Transport
  connection: ConnectionSource
  /** How this link hands over a message to verify (absent: inline, within the 1 MiB cap). */
  messageSender?: MessageSender
}

/** A tiny observable value, so each transport reports its state the same way. */
export function createConnectionSource(initial: ConnectionState): ConnectionSource & {
  set(state: ConnectionState): void
} {
  let state = initial
  const listeners = new Set<(state: ConnectionState) => void>()
  return {
    current: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    set(next) {
      state = next
      for (const listener of listeners) listener(next)
    },
  }
}

/** After this many failed attempts the banner also suggests the host may have a new address. */
export const ATTEMPTS_BEFORE_HINT = 4
