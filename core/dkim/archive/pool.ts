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
import { verifyMessage } from '../verify.js'
import { serveKeys } from './key-bridge.js'
import {
  IN_FLIGHT_PER_WORKER,
  MAX_WORKERS,
  WORKER_MESSAGE_TIMEOUT_MS,
  WORKER_OLD_GENERATION_MB,
  WORKER_YOUNG_GENERATION_MB,
} from './limits.js'
import { type ArchiveReport, archiveReport } from './report.js'
import { type ArchiveItem, itemLabel, readItem } from './sources.js'
import type { FromWorker, ToWorker, WorkerInit } from './worker.js'

export interface ArchiveResult {
  /** Position in the input order, from 0. */
  index: number
  item: ArchiveItem
  /** The path, or "path@offset" for a message of an mbox. */
  label: string
  report: ArchiveReport | null
  /** Why the message could not be verified at all (report is then null). */
  error: string | null
}

export interface ArchiveOptions {
  keys: KeySource
  at?: Date
  /** Threads to use; default os.availableParallelism() (at most MAX_WORKERS). 0: verify in this thread. */
  workers?: number
  signal?: AbortSignal
  messageTimeoutMs?: number
}

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
  // Bundled: dist/cli.mjs or dist/electron/main.mjs, each with its dkim-worker.mjs beside it. In the
  // packaged desktop app main.mjs is inside app.asar and the worker is unpacked beside the archive.
  const beside = path.join(path.dirname(here), 'dkim-worker.mjs')
  for (const candidate of [unpackedPath(beside), beside]) {
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

async function verifyInThread(item: ArchiveItem, options: ArchiveOptions, keys: KeySource) {
  return archiveReport(
    await verifyMessage(readItem(item, options.signal), {
      keys,
      ...(options.at ? { at: options.at } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  )
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
    let index = 0
    const all = async function* () {
      yield first.value
      if (!second.done) yield second.value
      for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield n.value
    }
    for await (const item of all()) {
      options.signal?.throwIfAborted()
      yield await settle(index++, item, () => verifyInThread(item, options, keys))
    }
    return
  }
  yield* runPool([first.value, second.value], iterator, options, keys, entry, wanted)
}

async function settle(
  index: number,
  item: ArchiveItem,
  work: () => Promise<ArchiveReport>,
): Promise<ArchiveResult> {
  const label = itemLabel(item)
  if (item.kind === 'unreadable') return { index, item, label, report: null, error: item.reason }
  try {
    return { index, item, label, report: await work(), error: null }
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') throw error
    return { index, item, label, report: null, error: errorText(error) }
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
  const timeoutMs = options.messageTimeoutMs ?? WORKER_MESSAGE_TIMEOUT_MS
  const done = new Map<number, ArchiveResult>()
  const itemsById = new Map<number, ArchiveItem>()
  let wake: (() => void) | null = null
  const notify = () => {
    const w = wake
    wake = null
    w?.()
  }
  const finish = (result: ArchiveResult) => {
    itemsById.delete(result.index)
    done.set(result.index, result)
    notify()
  }

  const slots: Slot[] = []
  const startSlot = (): Slot => {
    const channel = new MessageChannel()
    serveKeys(channel.port1, keys)
    const init: WorkerInit = {
      keyPort: channel.port2,
      keyDescription: keys.description,
      learning: isLearning(keys),
      at: options.at ? options.at.toISOString() : null,
    }
    // execArgv [] so that a parent's `--import tsx` is not inherited (the thread registers its own).
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      execArgv: [],
      workerData: init,
      transferList: [channel.port2],
      resourceLimits: {
        maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
        maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB,
      },
    })
    const slot: Slot = { worker, pending: new Map() }
    const failAll = (reason: string) => {
      for (const [id, { timer }] of slot.pending) {
        clearTimeout(timer)
        const item = itemsById.get(id)
        if (item) finish({ index: id, item, label: itemLabel(item), report: null, error: reason })
      }
      slot.pending.clear()
    }
    worker.on('message', (message: FromWorker) => {
      const pending = slot.pending.get(message.id)
      if (!pending) return
      clearTimeout(pending.timer)
      slot.pending.delete(message.id)
      const item = itemsById.get(message.id)
      if (!item) return
      const label = itemLabel(item)
      if (message.type === 'result')
        finish({ index: message.id, item, label, report: message.report, error: null })
      else finish({ index: message.id, item, label, report: null, error: message.error })
    })
    worker.on('error', (error) => {
      failAll(`The verifier thread failed: ${errorText(error)}`)
      replace(slot)
    })
    worker.on('exit', () => {
      channel.port1.close()
    })
    slots.push(slot)
    return slot
  }
  const replace = (slot: Slot) => {
    const at = slots.indexOf(slot)
    if (at >= 0) slots.splice(at, 1)
    void slot.worker.terminate()
    if (!stopped) startSlot()
  }
  let stopped = false

  const dispatch = (index: number, item: ArchiveItem) => {
    if (item.kind === 'unreadable') {
      finish({ index, item, label: itemLabel(item), report: null, error: item.reason })
      return
    }
    itemsById.set(index, item)
    const slot = slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best), slots[0] as Slot)
    const timer = setTimeout(() => {
      slot.pending.delete(index)
      finish({
        index,
        item,
        label: itemLabel(item),
        report: null,
        error: `The verification did not finish within ${Math.round(timeoutMs / 1000)} s; the message was skipped.`,
      })
      // The thread is stuck on it: replace it; its other messages are reported, not lost silently.
      const others = [...slot.pending.keys()]
      for (const id of others) {
        const other = itemsById.get(id)
        if (other) {
          clearTimeout(slot.pending.get(id)?.timer)
          slot.pending.delete(id)
          dispatchLater.push([id, other])
        }
      }
      replace(slot)
      notify()
    }, timeoutMs)
    slot.pending.set(index, { timer })
    slot.worker.postMessage({ type: 'verify', id: index, item } satisfies ToWorker)
  }
  const dispatchLater: Array<[number, ArchiveItem]> = []

  for (let i = 0; i < count; i++) startSlot()
  const onAbort = () => notify()
  options.signal?.addEventListener('abort', onAbort)
  try {
    let nextIndex = 0
    let nextToYield = 0
    const queue = [...head]
    let exhausted = false
    const window = count * IN_FLIGHT_PER_WORKER
    for (;;) {
      options.signal?.throwIfAborted()
      while (dispatchLater.length > 0) {
        const [id, item] = dispatchLater.shift() as [number, ArchiveItem]
        dispatch(id, item)
      }
      // Fill the window: at most `window` messages between the next to yield and the newest sent.
      while (!exhausted && nextIndex - nextToYield < window) {
        let item: ArchiveItem | undefined = queue.shift()
        if (!item) {
          const n = await rest.next()
          if (n.done) {
            exhausted = true
            break
          }
          item = n.value
        }
        dispatch(nextIndex++, item)
      }
      while (done.has(nextToYield)) {
        const result = done.get(nextToYield) as ArchiveResult
        done.delete(nextToYield)
        nextToYield++
        yield result
      }
      if (exhausted && nextToYield === nextIndex) return
      // Wait only for a message in flight; with none (all answered while we yielded), fill again.
      if (!done.has(nextToYield) && nextToYield < nextIndex)
        await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    stopped = true
    options.signal?.removeEventListener('abort', onAbort)
    for (const slot of slots) for (const { timer } of slot.pending.values()) clearTimeout(timer)
    await Promise.all(slots.map((s) => s.worker.terminate()))
  }
}
