// Verifies many messages on every core: worker threads (os.availableParallelism()), each fed a
// few messages at a time, results yielded in input order. Keys: one KeySource in the main thread,
// wrapped in cachedKeySource, answers every worker over a port (key-bridge.ts), so each key is
// fetched once per run and the key store is written by one thread only. (Prefetching in the main
// thread would mean parsing every message twice and could not learn keys a message needs late.)
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { MessageChannel, Worker } from 'node:worker_threads'
import { cachedKeySource, isLearning, type KeySource } from '../key-sources.js'
import { serveKeys } from './key-bridge.js'
import {
  BATCH_MESSAGES,
  IN_FLIGHT_PER_WORKER,
  MAX_WORKERS,
  WORKER_MESSAGE_TIMEOUT_MS,
  WORKER_OLD_GENERATION_MB,
  WORKER_YOUNG_GENERATION_MB,
} from './limits.js'
import type { PrintStyle } from './printed.js'
import { type ArchiveItem, itemLabel } from './sources.js'
import { failedOutcome, type ItemOutcome, verifyItem } from './verify-item.js'
import type { FromWorker, ToWorker, WorkerAnswer, WorkerInit } from './worker.js'

export interface ArchiveResult extends ItemOutcome {
  /** Position in the input order, from 0. */
  index: number
  item: ArchiveItem
  /** The path, or "path@offset" for a message of an mbox. */
  label: string
}

export interface ArchiveOptions {
  keys: KeySource
  at?: Date
  /** Threads to use; default os.availableParallelism() (at most MAX_WORKERS). 0: verify in this thread. */
  workers?: number
  signal?: AbortSignal
  messageTimeoutMs?: number
  /** Told once, before the first result, how many threads verify (0: this one). */
  onThreads?(threads: number): void
  /** Each result carries its printed row (JSON or text) instead of its report: for the CLI. */
  print?: PrintStyle
}

/** Where the build puts the CLI's split code (scripts/build.mjs `chunkNames`). */
export const CLI_CHUNKS_DIR = 'cli-chunks'

export interface WorkerEntry {
  /** A file to run, or (eval) the code that loads it. */
  script: string
  eval: boolean
}

/**
 * How a worker thread is started: the bundled dist/dkim-worker.mjs in a build; in development (the
 * sources run under tsx or Vitest) worker.ts, through tsx's loader registered inside the thread
 * (`--import tsx` in a worker's execArgv is not honoured by Node 20).
 */
export function workerEntry(): WorkerEntry | null {
  const here = fileURLToPath(import.meta.url)
  if (here.endsWith('.ts')) {
    const worker = pathToFileURL(path.join(path.dirname(here), 'worker.ts')).href
    return {
      script: `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(worker)}) })`,
      eval: true,
    }
  }
  // Bundled: dist/cli.mjs or dist/electron/main.mjs, each with its dkim-worker.mjs beside it; the
  // CLI's code is split into dist/cli-chunks/, so from a chunk the worker is one folder up (missing
  // that made every CLI run verify in one thread). In the packaged desktop app main.mjs is inside
  // app.asar and the worker is unpacked beside the archive.
  const dir = path.dirname(here)
  const beside = path.join(dir, 'dkim-worker.mjs')
  const candidates = [unpackedPath(beside), beside]
  if (path.basename(dir) === CLI_CHUNKS_DIR) candidates.push(path.join(dir, '..', 'dkim-worker.mjs'))
  for (const candidate of candidates) {
    if (candidate && existsSync(candidate)) return { script: candidate, eval: false }
  }
  return null
}

/** `/x/app.asar/dist/electron/f` -> `/x/app.asar.unpacked/dist/electron/f`; null outside an asar. */
export function unpackedPath(file: string): string | null {
  const parts = file.split(path.sep)
  const at = parts.findIndex((p) => p.endsWith('.asar'))
  if (at < 0) return null
  parts[at] = `${parts[at]}.unpacked`
  return parts.join(path.sep)
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(os.availableParallelism(), MAX_WORKERS))
}

interface Slot {
  worker: Worker
  pending: Map<number, { timer: NodeJS.Timeout }>
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** The result of a message that could not be verified at all. */
function failed(index: number, item: ArchiveItem, error: string, print?: PrintStyle): ArchiveResult {
  return { index, item, label: itemLabel(item), ...failedOutcome(item, error, print) }
}

/** Verifies every item; yields one result per item, in order. Never throws for a bad message. */
export async function* verifyItems(
  items: AsyncIterable<ArchiveItem>,
  options: ArchiveOptions,
): AsyncGenerator<ArchiveResult> {
  const keys = cachedKeySource(options.keys)
  const iterator = items[Symbol.asyncIterator]()
  const first = await iterator.next()
  if (first.done) return
  const second = await iterator.next()
  const entry = workerEntry()
  const wanted = options.workers ?? defaultWorkerCount()
  // One message, or no threads available/wanted: verify here (a worker costs ~50 ms to start).
  if (second.done || wanted === 0 || !entry) {
    options.onThreads?.(0)
    let index = 0
    const all = async function* () {
      yield first.value
      if (!second.done) yield second.value
      for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield n.value
    }
    for await (const item of all()) {
      options.signal?.throwIfAborted()
      const outcome = await verifyItem(item, { ...options, keys })
      yield { index: index++, item, label: itemLabel(item), ...outcome }
    }
    return
  }
  options.onThreads?.(wanted)
  yield* runPool([first.value, second.value], iterator, options, keys, entry, wanted)
}

/** The worker threads of one run: the messages in flight on each, and the results not yet yielded. */
class WorkerPool {
  /** Results by input index, until the generator yields them in order. */
  readonly done = new Map<number, ArchiveResult>()
  /** Messages taken from a replaced (stuck) thread, to be sent again. */
  readonly dispatchLater: Array<[number, ArchiveItem]> = []
  readonly #itemsById = new Map<number, ArchiveItem>()
  readonly #slots: Slot[] = []
  readonly #options: ArchiveOptions
  readonly #keys: KeySource
  readonly #entry: WorkerEntry
  readonly #timeoutMs: number
  #wake: (() => void) | null = null
  #stopped = false

  constructor(options: ArchiveOptions, keys: KeySource, entry: WorkerEntry) {
    this.#options = options
    this.#keys = keys
    this.#entry = entry
    this.#timeoutMs = options.messageTimeoutMs ?? WORKER_MESSAGE_TIMEOUT_MS
  }

  /** Wakes the generator if it waits for a result (or an abort). */
  notify(): void {
    const w = this.#wake
    this.#wake = null
    w?.()
  }

  /** Resolves at the next notify(). */
  wait(): Promise<void> {
    return new Promise<void>((resolve) => (this.#wake = resolve))
  }

  #finish(result: ArchiveResult): void {
    this.#itemsById.delete(result.index)
    this.done.set(result.index, result)
    this.notify()
  }

  /** Starts one thread, with its own port to the key source. */
  start(): Slot {
    const channel = new MessageChannel()
    serveKeys(channel.port1, this.#keys)
    const init: WorkerInit = {
      keyPort: channel.port2,
      keyDescription: this.#keys.description,
      learning: isLearning(this.#keys),
      walks: typeof this.#keys.organizationalDomain === 'function',
      at: this.#options.at ? this.#options.at.toISOString() : null,
      print: this.#options.print ?? null,
    }
    // execArgv [] so that a parent's `--import tsx` is not inherited (the thread registers its own).
    const worker = new Worker(this.#entry.script, {
      eval: this.#entry.eval,
      execArgv: [],
      workerData: init,
      transferList: [channel.port2],
      resourceLimits: {
        maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
        maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB,
      },
    })
    const slot: Slot = { worker, pending: new Map() }
    worker.on('message', (message: FromWorker) => this.#answered(slot, message))
    worker.on('error', (error) => {
      this.#failAll(slot, `The verifier thread failed: ${errorText(error)}`)
      this.#replace(slot)
    })
    worker.on('exit', () => {
      channel.port1.close()
    })
    this.#slots.push(slot)
    return slot
  }

  #answered(slot: Slot, message: FromWorker): void {
    for (const answer of message.answers) this.#answer(slot, answer)
  }

  #answer(slot: Slot, answer: WorkerAnswer): void {
    const pending = slot.pending.get(answer.id)
    if (!pending) return
    clearTimeout(pending.timer)
    slot.pending.delete(answer.id)
    const item = this.#itemsById.get(answer.id)
    if (!item) return
    const { id, ...outcome } = answer
    this.#finish({ index: id, item, label: itemLabel(item), ...outcome })
  }

  #failAll(slot: Slot, reason: string): void {
    for (const [id, { timer }] of slot.pending) {
      clearTimeout(timer)
      const item = this.#itemsById.get(id)
      if (item) this.#finish(failed(id, item, reason, this.#options.print))
    }
    slot.pending.clear()
  }

  #replace(slot: Slot): void {
    const at = this.#slots.indexOf(slot)
    if (at >= 0) this.#slots.splice(at, 1)
    void slot.worker.terminate()
    if (!this.#stopped) this.start()
  }

  /**
   * Sends messages to the least busy thread as one batch, each with its deadline. Batches, because
   * a message between threads costs about as much as verifying a small mail message.
   */
  dispatch(batch: Array<[number, ArchiveItem]>): void {
    const slots = this.#slots
    const slot = slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best), slots[0] as Slot)
    const sent: ToWorker['batch'] = []
    for (const [index, item] of batch) {
      if (item.kind === 'unreadable') {
        this.#finish(failed(index, item, item.reason, this.#options.print))
        continue
      }
      this.#itemsById.set(index, item)
      const timer = setTimeout(() => this.#timedOut(slot, index, item), this.#timeoutMs)
      slot.pending.set(index, { timer })
      sent.push({ id: index, item })
    }
    if (sent.length > 0) slot.worker.postMessage({ type: 'verify', batch: sent } satisfies ToWorker)
  }

  #timedOut(slot: Slot, index: number, item: ArchiveItem): void {
    slot.pending.delete(index)
    const seconds = Math.round(this.#timeoutMs / 1000)
    this.#finish(
      failed(
        index,
        item,
        `The verification did not finish within ${seconds} s; the message was skipped.`,
        this.#options.print,
      ),
    )
    // The thread is stuck on it: replace it; its other messages are reported, not lost silently.
    const others = [...slot.pending.keys()]
    for (const id of others) {
      const other = this.#itemsById.get(id)
      if (other) {
        clearTimeout(slot.pending.get(id)?.timer)
        slot.pending.delete(id)
        this.dispatchLater.push([id, other])
      }
    }
    this.#replace(slot)
    this.notify()
  }

  /** No thread is replaced any more; every deadline is cleared and every thread ended. */
  async close(): Promise<void> {
    this.#stopped = true
    for (const slot of this.#slots) for (const { timer } of slot.pending.values()) clearTimeout(timer)
    await Promise.all(this.#slots.map((s) => s.worker.terminate()))
  }
}

async function* runPool(
  head: ArchiveItem[],
  rest: AsyncIterator<ArchiveItem>,
  options: ArchiveOptions,
  keys: KeySource,
  entry: WorkerEntry,
  count: number,
): AsyncGenerator<ArchiveResult> {
  const pool = new WorkerPool(options, keys, entry)
  const { done, dispatchLater } = pool
  for (let i = 0; i < count; i++) pool.start()
  const onAbort = () => pool.notify()
  options.signal?.addEventListener('abort', onAbort)
  try {
    let nextIndex = 0
    let nextToYield = 0
    const queue = [...head]
    let exhausted = false
    const window = count * IN_FLIGHT_PER_WORKER
    for (;;) {
      options.signal?.throwIfAborted()
      if (dispatchLater.length > 0) pool.dispatch(dispatchLater.splice(0))
      // Fill the window: at most `window` messages between the next to yield and the newest sent,
      // sent in batches of up to BATCH_MESSAGES.
      while (!exhausted && nextIndex - nextToYield < window) {
        const batch: Array<[number, ArchiveItem]> = []
        while (batch.length < BATCH_MESSAGES && nextIndex - nextToYield < window) {
          let item: ArchiveItem | undefined = queue.shift()
          if (!item) {
            const n = await rest.next()
            if (n.done) {
              exhausted = true
              break
            }
            item = n.value
          }
          batch.push([nextIndex++, item])
        }
        if (batch.length > 0) pool.dispatch(batch)
      }
      while (done.has(nextToYield)) {
        const result = done.get(nextToYield) as ArchiveResult
        done.delete(nextToYield)
        nextToYield++
        yield result
      }
      if (exhausted && nextToYield === nextIndex) return
      // Wait only for a message in flight; with none (all answered while we yielded), fill again.
      if (!done.has(nextToYield) && nextToYield < nextIndex) await pool.wait()
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    await pool.close()
  }
}
