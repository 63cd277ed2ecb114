// Follows the long runs of one kind this window starts (docs/architecture.md, "Long operations"),
// one at a time: starts a run through the contract, holds events that arrive before the start
// call's answer names the run, routes the run's progress and its one finished event by run id,
// cancels it, and ends it with a sentence when the link to the engine drops (the engine cancels
// a gone window's runs, so no finished event would ever come).
import type { ApiErrorBody, RunId, RunRef } from '../../shared/contract/index.js'
import { api } from '../client.js'
import { useAppStore } from './app.js'

/** How a run ended, as its `<job>.finished` event says (shared/contract/runs.ts). */
export type RunOutcome<R> =
  | { status: 'done'; result: R }
  | { status: 'cancelled' }
  | { status: 'failed'; error: ApiErrorBody }

export interface ProgressEventOf<P> {
  runId: RunId
  progress: P
}

export interface FinishedEventOf<R> {
  runId: RunId
  outcome: RunOutcome<R>
}

/** An event kept until the run it belongs to is known (or dropped when another run is). */
export type HeldEvent<P, R> =
  | { kind: 'progress'; event: ProgressEventOf<P> }
  | { kind: 'finished'; event: FinishedEventOf<R> }

/** What the store does with its run: each is called only for the run it started. */
export interface RunHandlers<P, R> {
  /** The engine named the run; its held events are replayed right after. */
  started?(runId: RunId): void
  progress?(progress: P): void
  /** Exactly once per run, in the turn its outcome became known. */
  finished?(outcome: RunOutcome<R>): void
}

export interface StartedRun<R> {
  runId: RunId
  /** Resolves once, with the outcome `finished` also received. */
  outcome: Promise<RunOutcome<R>>
}

export interface RunTrackerOptions {
  /** Events held while no run of ours has an id; the oldest go first past this. */
  heldMax: number
  /** The sentence a run ends with when the link to the engine drops. */
  linkLost: string
}

/** One run being followed: its id once known, and its single ending. */
class TrackedRun<P, R> {
  runId: RunId | null = null
  cancelWanted = false
  readonly outcome: Promise<RunOutcome<R>>
  readonly #resolve: (outcome: RunOutcome<R>) => void
  #ended = false

  constructor(readonly handlers: RunHandlers<P, R>) {
    let resolve: (outcome: RunOutcome<R>) => void = () => {}
    this.outcome = new Promise((r) => {
      resolve = r
    })
    this.#resolve = resolve
  }

  end(outcome: RunOutcome<R>): void {
    if (this.#ended) return
    this.#ended = true
    this.handlers.finished?.(outcome)
    this.#resolve(outcome)
  }
}

/** Best effort: the run may have ended already, or the link be down (the engine then stops it). */
function cancelQuietly(runId: RunId): void {
  void api()
    .runs.cancel({ runId })
    .catch(() => {})
}

export class RunTracker<P, R> {
  readonly #options: RunTrackerOptions
  #run: TrackedRun<P, R> | null = null
  #held: readonly HeldEvent<P, R>[] = []
  readonly #unwatch: () => void

  constructor(options: RunTrackerOptions) {
    this.#options = options
    // A run cannot outlive the link that started it: say so at once rather than wait forever.
    this.#unwatch = useAppStore.subscribe((state, previous) => {
      if (previous.connection.status === 'connected' && state.connection.status !== 'connected')
        this.#linkLost()
    })
  }

  /** Events waiting for their run's id (a new array whenever it changes). */
  get held(): readonly HeldEvent<P, R>[] {
    return this.#held
  }

  /**
   * Starts a run (`call` is the job's start operation) and follows it; a run still followed is
   * abandoned first. Resolves once the engine has named the run and its held events are replayed;
   * rejects with the call's error, in which case no run exists.
   */
  async start(call: () => Promise<RunRef>, handlers: RunHandlers<P, R> = {}): Promise<StartedRun<R>> {
    this.abandon()
    const run = new TrackedRun(handlers)
    this.#run = run
    let answer: RunRef
    try {
      answer = await call()
    } catch (error) {
      if (this.#run === run) this.#forget()
      throw error
    }
    const { runId } = answer
    run.runId = runId
    if (this.#run !== run) {
      // Abandoned while starting: nobody follows it any more, so it should not go on.
      cancelQuietly(runId)
      return { runId, outcome: run.outcome }
    }
    handlers.started?.(runId)
    this.#replay(runId)
    if (run.cancelWanted && this.#run === run) cancelQuietly(runId)
    return { runId, outcome: run.outcome }
  }

  receiveProgress(event: ProgressEventOf<P>): void {
    const run = this.#run
    if (run?.runId) {
      if (event.runId === run.runId) run.handlers.progress?.(event.progress)
      return
    }
    this.#hold({ kind: 'progress', event })
  }

  receiveFinished(event: FinishedEventOf<R>): void {
    const run = this.#run
    if (run?.runId) {
      if (event.runId === run.runId) this.#end(run, event.outcome)
      return
    }
    this.#hold({ kind: 'finished', event })
  }

  /**
   * Asks the engine to stop the run; its finished event (cancelled) follows. A run still starting
   * is stopped as soon as its id is known. Rejects with the engine's error.
   */
  async cancel(): Promise<void> {
    const run = this.#run
    if (!run) return
    run.cancelWanted = true
    if (run.runId) await api().runs.cancel({ runId: run.runId })
  }

  /** Stops following the run (a new one replaces it): the engine is asked to stop it; it ends cancelled. */
  abandon(): void {
    const run = this.#run
    if (!run) return
    if (run.runId) cancelQuietly(run.runId)
    this.#end(run, { status: 'cancelled' })
  }

  /** Forgets the run (it ends cancelled) and every held event, without asking the engine anything. */
  reset(): void {
    const run = this.#run
    this.#forget()
    run?.end({ status: 'cancelled' })
  }

  /** Stops listening for the link's state (a tracker made for a test). */
  dispose(): void {
    this.#unwatch()
  }

  #end(run: TrackedRun<P, R>, outcome: RunOutcome<R>): void {
    if (this.#run === run) this.#run = null
    run.end(outcome)
  }

  #forget(): void {
    this.#run = null
    this.#held = []
  }

  #hold(held: HeldEvent<P, R>): void {
    const keep = this.#held.slice(Math.max(0, this.#held.length + 1 - this.#options.heldMax))
    this.#held = [...keep, held]
  }

  /** The run's own held events, in the order they came; everyone else's are dropped. */
  #replay(runId: RunId): void {
    const mine = this.#held.filter((held) => held.event.runId === runId)
    this.#held = []
    for (const held of mine) {
      if (held.kind === 'progress') this.receiveProgress(held.event)
      else this.receiveFinished(held.event)
    }
  }

  /**
   * A start still waiting for its answer is left alone: the transport fails the calls in flight
   * when the link drops, so start() rejects with the transport's own sentence.
   */
  #linkLost(): void {
    const run = this.#run
    if (!run?.runId) return
    this.#held = []
    this.#end(
      run,
      run.cancelWanted
        ? { status: 'cancelled' }
        : { status: 'failed', error: { code: 'unavailable', message: this.#options.linkLost } },
    )
  }
}
