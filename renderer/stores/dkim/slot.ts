// The page's one batch area, shared by a folder run (batch.ts) and an mbox run (archive.ts),
// whichever came last: its state in the store, the run tracker of each kind, an mbox upload
// still being sent, and what Cancel and a replacing run do to them.
import type {
  DkimArchiveProgress,
  DkimArchiveResult,
  DkimBatchProgress,
  DkimBatchResult,
} from '../../../shared/contract/index.js'
import { type ActionResult, failed } from '../../client.js'
import { RunTracker } from '../run-tracker.js'
import type { BatchState, DkimStoreApi, VerifyOptions } from './state.js'

/** Events of a run held until its id is known (the reply may trail the first events). */
const EARLY_EVENTS_MAX = 64

/** Shown when the link drops mid-run: the engine cancels a closed tab's runs, so no result will come. */
export const LINK_LOST =
  'The connection to Mailwarden was lost, so the verification stopped. Start it again once the connection is back.'

export class BatchSlot {
  readonly folderRuns = new RunTracker<DkimBatchProgress, DkimBatchResult>({
    heldMax: EARLY_EVENTS_MAX,
    linkLost: LINK_LOST,
  })
  readonly archiveRuns = new RunTracker<DkimArchiveProgress, DkimArchiveResult>({
    heldMax: EARLY_EVENTS_MAX,
    linkLost: LINK_LOST,
  })
  readonly #store: DkimStoreApi
  /** Bumped by every new folder or mbox, so the work of an older one stops touching the area. */
  #generation = 0
  #cancelRequested = false
  /** Stops an mbox upload still being sent. */
  #upload: AbortController | null = null

  constructor(store: DkimStoreApi) {
    this.#store = store
  }

  get batch(): BatchState {
    return this.#store.getState().batch
  }

  get options(): VerifyOptions {
    return this.#store.getState().options
  }

  get cancelRequested(): boolean {
    return this.#cancelRequested
  }

  show(batch: BatchState): void {
    this.#store.setState({ batch })
  }

  patch(patch: Partial<BatchState>): void {
    this.#store.setState((s) => ({ batch: { ...s.batch, ...patch } }))
  }

  /** A new folder or mbox replaces a run still going: stops it (and any upload); returns the new generation. */
  replace(): number {
    this.folderRuns.abandon()
    this.archiveRuns.abandon()
    this.#upload?.abort()
    this.#cancelRequested = false
    return ++this.#generation
  }

  isCurrent(generation: number): boolean {
    return generation === this.#generation
  }

  /** The signal an mbox upload stops on (Cancel, or a newer run). */
  beginUpload(): AbortSignal {
    this.#upload = new AbortController()
    return this.#upload.signal
  }

  endUpload(): void {
    this.#upload = null
  }

  /** Cancel: no further slice, the upload stopped, the run asked to stop (its finished event follows). */
  async cancel(): Promise<ActionResult> {
    const { batch } = this
    if (batch.status !== 'running') return { ok: true }
    this.#cancelRequested = true
    this.patch({ status: 'cancelling' })
    this.#upload?.abort()
    try {
      await (batch.kind === 'mbox' ? this.archiveRuns : this.folderRuns).cancel()
      return { ok: true }
    } catch (error) {
      return failed(error)
    }
  }

  /** Forgets everything still going, without asking the engine (a store reset). */
  reset(): void {
    this.#generation++
    this.#cancelRequested = false
    this.#upload?.abort()
    this.#upload = null
    this.folderRuns.reset()
    this.archiveRuns.reset()
  }
}
