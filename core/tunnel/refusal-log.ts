// The warnings about refused clients (tunnel.ts), limited: a refused device that retries every
// few seconds, or a scan of the LAN, would otherwise write one per connection. One line per source
// address per window; refusals held back are counted and said once that window is over (at the
// next refusal from anyone, or when the tunnel stops), so none goes unsaid. Memory is bounded by
// the number of tracked addresses; refusals from addresses beyond it share one window and count.
// The tunnel records a refusal only when its line is logged (a scan must not push real sessions
// out of the app's bounded log either); every refusal is still counted in the tunnel's stats.
import { MAX_REFUSAL_LOG_SOURCES, REFUSAL_LOG_WINDOW_MS } from './limits.js'

interface Window {
  since: number
  /** Refusals in this window after the one that was logged. */
  held: number
}

export interface RefusalLogOptions {
  /** Milliseconds from a monotonic clock (tests pass their own). */
  now?: () => number
  windowMs?: number
  maxSources?: number
}

function span(ms: number): string {
  if (ms % 60_000 === 0) return ms === 60_000 ? 'a minute' : `${ms / 60_000} minutes`
  return `${ms / 1000} s`
}

function times(count: number): string {
  return count === 1 ? 'once more' : `${count} more times`
}

export class RefusalLog {
  readonly #warn: (line: string) => void
  readonly #now: () => number
  readonly #windowMs: number
  readonly #maxSources: number
  /** Open windows by source address, oldest first: a window is inserted when it opens, with a
   * clock that never goes back, so the ended ones are always at the front. */
  readonly #sources = new Map<string, Window>()
  /** The one window of refusals from addresses beyond maxSources. */
  #overflow: Window | null = null

  constructor(warn: (line: string) => void, options: RefusalLogOptions = {}) {
    this.#warn = warn
    this.#now = options.now ?? (() => performance.now())
    this.#windowMs = options.windowMs ?? REFUSAL_LOG_WINDOW_MS
    this.#maxSources = options.maxSources ?? MAX_REFUSAL_LOG_SOURCES
  }

  /** Addresses whose window is open now (at most maxSources). */
  get tracked(): number {
    return this.#sources.size
  }

  /** A client from `source` (its address, as logged) was refused; `line` is logged unless one was
   * for that address within the window. True when it was logged (false: counted for later). */
  refused(source: string, line: string): boolean {
    const now = this.#now()
    this.#closeEnded(now)
    const open = this.#sources.get(source)
    if (open) {
      open.held++
      return false
    }
    if (this.#sources.size < this.#maxSources) {
      this.#sources.set(source, { since: now, held: 0 })
      this.#warn(line)
      return true
    }
    if (this.#overflow) {
      this.#overflow.held++
      return false
    }
    this.#overflow = { since: now, held: 0 }
    this.#warn(
      `${line} (clients from more than ${this.#maxSources} addresses refused within ${span(this.#windowMs)}: refusals from further addresses are counted together)`,
    )
    return true
  }

  /** Says every count still held back: the tunnel stops. */
  flush(): void {
    for (const [source, window] of this.#sources) this.#say(source, window)
    this.#sources.clear()
    if (this.#overflow) this.#sayOverflow(this.#overflow)
    this.#overflow = null
  }

  /** Windows over by `now` are closed, their counts said: O(1) per refusal, amortized. */
  #closeEnded(now: number): void {
    for (const [source, window] of this.#sources) {
      if (now - window.since < this.#windowMs) break
      this.#sources.delete(source)
      this.#say(source, window)
    }
    if (this.#overflow && now - this.#overflow.since >= this.#windowMs) {
      this.#sayOverflow(this.#overflow)
      this.#overflow = null
    }
  }

  #say(source: string, window: Window): void {
    if (window.held > 0)
      this.#warn(
        `${source}: refused ${times(window.held)} within ${span(this.#windowMs)} of the line above for it (not logged one by one)`,
      )
  }

  #sayOverflow(window: Window): void {
    if (window.held > 0)
      this.#warn(
        `clients from addresses beyond the first ${this.#maxSources} refused ${times(window.held)} within ${span(this.#windowMs)} (not logged one by one)`,
      )
  }
}
