// One message verified from this window (dkim.verify): sent the way the link allows
// (messageSender(): inline, or uploaded past the WebSocket's cap), then its report.
import { type ActionResult, api, errorMessage, failed, messageSender } from '../../client.js'
import { callOptions, type DkimStoreApi } from './state.js'

export class MessageVerification {
  readonly #store: DkimStoreApi
  /** Bumped by every new message, so a late answer about an older one is dropped. */
  #generation = 0

  constructor(store: DkimStoreApi) {
    this.#store = store
  }

  async verify(bytes: Uint8Array, name: string): Promise<ActionResult> {
    const generation = ++this.#generation
    const store = this.#store
    store.setState({ status: 'verifying', name, report: null, error: null, via: null })
    try {
      const message = await messageSender().send(bytes, name)
      if (generation !== this.#generation) return { ok: true }
      store.setState({ via: message.kind })
      const report = await api().dkim.verify({ message, ...callOptions(store.getState().options) })
      if (generation !== this.#generation) return { ok: true }
      store.setState({ status: 'done', report })
      return { ok: true }
    } catch (error) {
      if (generation === this.#generation) store.setState({ status: 'failed', error: errorMessage(error) })
      return failed(error)
    }
  }

  /** A reset: whatever is still on its way is dropped. */
  forget(): void {
    this.#generation++
  }
}
