// The engine's typed event stream: each front door forwards what it hears to its UI.
import { EventEmitter } from 'node:events'
import type { EventName, EventPayload } from '../../shared/contract/index.js'

export type EventListener<K extends EventName> = (payload: EventPayload<K>) => void

export class EventBus {
  readonly #emitter = new EventEmitter()

  constructor() {
    // Every open window or browser tab subscribes; the default cap of 10 would warn spuriously.
    this.#emitter.setMaxListeners(0)
  }

  emit<K extends EventName>(event: K, payload: EventPayload<K>): void {
    this.#emitter.emit(event, payload)
  }

  on<K extends EventName>(event: K, listener: EventListener<K>): () => void {
    this.#emitter.on(event, listener)
    return () => this.#emitter.off(event, listener)
  }
}
