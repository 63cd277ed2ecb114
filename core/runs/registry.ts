// Every long operation of the engine runs here (see shared/contract/runs.ts): a run gets an id,
// an AbortSignal, a way to report progress, and an owner whose departure cancels it. Progress and
// results are schema-checked before they are emitted.
import { randomBytes } from 'node:crypto'
import type { z } from 'zod'
import type { ApiErrorBody, EventName, LongRun, RunId } from '../../shared/contract/index.js'
import { EngineError } from '../api/errors.js'
import type { Caller } from '../api/handlers.js'
import type { EventBus } from '../events/bus.js'
import type { Logger } from '../log/logger.js'

/** A window that starts runs in a loop must not exhaust the engine. */
export const MAX_RUNS_PER_CALLER = 16

export interface RunContext<P> {
  readonly runId: RunId
  readonly signal: AbortSignal
  /** Emits one `<job>.progress` event (validated first). */
  progress(progress: P): void
}

export interface RunKind<L extends LongRun> {
  run: L
  progressEvent: EventName
  finishedEvent: EventName
  /** For log lines: "probe". */
  label: string
}

interface ActiveRun {
  owner: string
  controller: AbortController
  done: Promise<void>
}

export class RunRegistry {
  readonly #active = new Map<RunId, ActiveRun>()
  readonly #events: EventBus
  readonly #log: Logger

  constructor(events: EventBus, log: Logger) {
    this.#events = events
    this.#log = log
  }

  /** Starts `work` and returns its run id at once; the outcome arrives as an event. */
  start<L extends LongRun>(
    kind: RunKind<L>,
    caller: Caller,
    work: (context: RunContext<z.output<L['progress']>>) => Promise<z.output<L['result']>>,
  ): { runId: RunId } {
    const owned = [...this.#active.values()].filter((r) => r.owner === caller.id).length
    if (owned >= MAX_RUNS_PER_CALLER)
      throw new EngineError('conflict', `Already ${owned} operations running; wait or cancel one.`)
    const runId = `run-${randomBytes(6).toString('hex')}` as RunId
    const controller = new AbortController()
    const emit = (event: EventName, payload: unknown) =>
      // The registry checked the payload against the event's schema just before.
      this.#events.emit(event, payload as never)

    const finish = (
      outcome:
        | { status: 'done'; result: unknown }
        | { status: 'cancelled' }
        | { status: 'failed'; error: ApiErrorBody },
    ) => {
      const checked = kind.run.finishedEvent.safeParse({ runId, outcome })
      if (checked.success) emit(kind.finishedEvent, checked.data)
      else {
        this.#log.error(
          'runs',
          `A ${kind.label} result did not match its schema: ${checked.error.message.slice(0, 2000)}`,
        )
        emit(kind.finishedEvent, {
          runId,
          outcome: {
            status: 'failed',
            error: {
              code: 'internal',
              message: `The ${kind.label} failed unexpectedly; the log has the details.`,
            },
          },
        })
      }
    }

    const context: RunContext<z.output<L['progress']>> = {
      runId,
      signal: controller.signal,
      progress: (progress) => {
        if (controller.signal.aborted) return
        const checked = kind.run.progressEvent.safeParse({ runId, progress })
        if (checked.success) emit(kind.progressEvent, checked.data)
        else
          this.#log.error(
            'runs',
            `Dropped ${kind.label} progress outside its schema: ${checked.error.message.slice(0, 500)}`,
          )
      },
    }

    // One outcome per run. A cancel is reported at once, whether or not the work has noticed
    // the signal yet; whatever the work does afterwards is ignored.
    let settled = false
    const settle = (outcome: Parameters<typeof finish>[0]) => {
      if (settled) return
      settled = true
      this.#active.delete(runId)
      finish(outcome)
    }
    controller.signal.addEventListener('abort', () => settle({ status: 'cancelled' }), { once: true })

    // Started on the next tick so the caller has the run id before the first event.
    const done = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      if (controller.signal.aborted) return
      try {
        settle({ status: 'done', result: await work(context) })
      } catch (error) {
        if (controller.signal.aborted) return
        if (error instanceof EngineError)
          return settle({ status: 'failed', error: { code: error.code, message: error.message } })
        this.#log.error(
          'runs',
          `${kind.label} ${runId} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        )
        settle({
          status: 'failed',
          error: {
            code: 'internal',
            message: `The ${kind.label} failed unexpectedly; the log has the details.`,
          },
        })
      }
    })
    this.#active.set(runId, { owner: caller.id, controller, done })
    return { runId }
  }

  /** Cancels a run of this caller's; false when it has already ended (or is someone else's). */
  cancel(runId: RunId, caller: Caller): boolean {
    const run = this.#active.get(runId)
    if (!run || run.owner !== caller.id) return false
    run.controller.abort()
    return true
  }

  /** A window or tab closed: everything it started stops. */
  releaseCaller(caller: Caller): number {
    let count = 0
    for (const run of this.#active.values()) {
      if (run.owner === caller.id && !run.controller.signal.aborted) {
        run.controller.abort()
        count++
      }
    }
    return count
  }

  get size(): number {
    return this.#active.size
  }

  /** Aborts every run and waits (bounded) for them to wind down. */
  async dispose(graceMs = 2_000): Promise<void> {
    const pending = [...this.#active.values()]
    for (const run of pending) run.controller.abort()
    await Promise.race([
      Promise.all(pending.map((r) => r.done)),
      new Promise((r) => setTimeout(r, graceMs).unref()),
    ])
  }
}
