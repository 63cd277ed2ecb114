// How hard the probe may knock on one server: at most N connections to one host at once, starts on
// that host spaced out by M ms (bounds in discovery/limits.ts), and small helpers to run many tasks
// in parallel with every outcome kept.
import { abortError, delay, untilAborted } from '../runs/abortable.js'
import { DEFAULT_CONNECTIONS_PER_HOST, DEFAULT_STAGGER_MS } from './discovery/limits.js'

interface Waiter {
  start: () => void
  fail: (error: Error) => void
}

interface HostState {
  active: number
  /** Resolves when the next task on this host may start (one stagger after the last start). */
  gate: Promise<void>
  queue: Waiter[]
}

export interface HostLimiterOptions {
  perHost?: number
  staggerMs?: number
}

/**
 * Runs tasks keyed by host: at most `perHost` at once per host, each start at least `staggerMs`
 * after the previous start on that host. Meant to live as long as one probe run.
 */
export class HostLimiter {
  readonly perHost: number
  readonly staggerMs: number
  private readonly hosts = new Map<string, HostState>()

  constructor(options: HostLimiterOptions = {}) {
    this.perHost = Math.max(1, options.perHost ?? DEFAULT_CONNECTIONS_PER_HOST)
    this.staggerMs = Math.max(0, options.staggerMs ?? DEFAULT_STAGGER_MS)
  }

  /** How many tasks run on `host` now (for tests and progress). */
  active(host: string): number {
    return this.hosts.get(host.toLowerCase())?.active ?? 0
  }

  async run<T>(host: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const key = host.toLowerCase()
    let state = this.hosts.get(key)
    if (!state) {
      state = { active: 0, gate: Promise.resolve(), queue: [] }
      this.hosts.set(key, state)
    }
    await this.acquire(state, signal)
    try {
      await this.waitTurn(state, signal)
      return await task()
    } finally {
      this.release(state)
    }
  }

  // Measured from the previous task's real start, so a late timer never squeezes two starts together.
  private async waitTurn(state: HostState, signal?: AbortSignal): Promise<void> {
    const previous = state.gate
    let open: () => void = () => {}
    state.gate = new Promise<void>((resolve) => {
      open = resolve
    })
    try {
      await untilAborted(previous, signal)
    } catch (error) {
      // Cancelled while waiting: hand the turn on when it comes, without using it.
      void previous.then(open)
      throw error
    }
    if (this.staggerMs === 0) open()
    // Not unref'd: a CLI run whose only pending work is this turn must not exit early.
    else setTimeout(open, this.staggerMs)
  }

  private acquire(state: HostState, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal))
    if (state.active < this.perHost) {
      state.active += 1
      return Promise.resolve()
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        fail: reject,
      }
      const onAbort = () => {
        state.queue = state.queue.filter((w) => w !== waiter)
        reject(abortError(signal as AbortSignal))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      state.queue.push(waiter)
    })
  }

  private release(state: HostState): void {
    const next = state.queue.shift()
    if (next) {
      next.start() // the slot passes on: active stays the same
      return
    }
    state.active -= 1
  }
}

/**
 * Starts `task` for each item, the i-th after i × `staggerMs`, all running in parallel once
 * started, and waits for all; each outcome is kept (one failure does not hide the others).
 */
export async function staggered<T, R>(
  items: readonly T[],
  staggerMs: number,
  task: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<PromiseSettledResult<R>[]> {
  return Promise.allSettled(
    items.map(async (item, index) => {
      if (index > 0 && staggerMs > 0) await delay(index * staggerMs, signal)
      else if (signal?.aborted) throw abortError(signal)
      return task(item, index)
    }),
  )
}

/** Runs `task` over `items` with at most `size` at once; outcomes kept in input order. */
export async function pool<T, R>(
  items: readonly T[],
  size: number,
  task: (item: T) => Promise<R>,
  signal?: AbortSignal,
): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      try {
        if (signal?.aborted) throw abortError(signal)
        out[index] = { status: 'fulfilled', value: await task(items[index] as T) }
      } catch (reason) {
        out[index] = { status: 'rejected', reason }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker))
  return out
}
