// Every bound of discovery (lookups, files, the XML reader) and how hard the probe may knock on one
// server. Mail servers defend themselves against floods (Exim's smtp_accept_max_per_host,
// Postfix's anvil, Dovecot's per-IP limits, fail2ban) by answering 421 or dropping connections,
// which would then be misreported as a server fault. So: at most N connections to one host at
// once, and starts on that host spaced out by M ms.
/** Concurrent connections to one host (a name or an address); Postfix's default rate limits begin above this. */
export const DEFAULT_CONNECTIONS_PER_HOST = 3
/** Between two connection starts on the same host, so seven ports do not arrive as one burst. */
export const DEFAULT_STAGGER_MS = 20
/** Concurrent DNS queries and fetches of one discovery; enough for all of them on a normal domain. */
export const DISCOVERY_CONCURRENCY = 8

/** Each DNS query and each file fetch of discovery gives up after this, unless told otherwise. */
export const DISCOVERY_STEP_TIMEOUT_MS = 5_000

/** A domain with dozens of MX hosts gets its first few probed; relays beyond are redundant. */
export const MAX_MX_HOSTS = 5

/** SRV answers beyond this per service are ignored (RFC 6186 expects one or two). */
export const MAX_SRV_TARGETS = 4

/** Autoconfig files are small; a bigger answer is not one (the fetch also caps at its own limit). */
export const AUTOCONFIG_MAX_BYTES = 128 * 1024

/** An ISP's file lists a few servers per protocol; a file with hundreds is hostile. */
export const AUTOCONFIG_MAX_SERVERS = 32

/** Autoconfig files are a few KB; the ISP database's biggest entries are ~20 KB. */
export const XML_MAX_BYTES = 256 * 1024

/** clientConfig nests four levels deep; a deeper document is not one, and deep recursion is a DoS. */
export const XML_MAX_DEPTH = 32

/** A file of a million empty elements must not become a million objects. */
export const XML_MAX_ELEMENTS = 5_000

/** Attributes per element (type, version...); thousands of them is an attack on the parser. */
export const XML_MAX_ATTRIBUTES = 32

export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  return reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError')
}

/** `work`, or a rejection as soon as `signal` aborts. */
export function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work
  if (signal.aborted) return Promise.reject(abortError(signal))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal))
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortError(signal as AbortSignal))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

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
      await abortable(previous, signal)
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
