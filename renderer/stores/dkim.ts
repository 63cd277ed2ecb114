// DKIM verification from this window: one message (dkim.verify) and a folder of them
// (dkim.batch, a long run per slice). Messages travel the way the link allows (messageSender():
// inline, or uploaded past the WebSocket's cap). A folder is sent in slices small enough for one
// call each; progress events are matched to our run by id, and cancel stops the current run and
// the slices after it.
import { create } from 'zustand'
import {
  type Client,
  DKIM_BATCH_MAX_MESSAGES,
  type DkimBatchRow,
  type DkimReport,
  type DkimResult,
  type EventPayload,
  MESSAGE_SOURCE_MAX_BYTES,
  type MessageSource,
  type RunId,
  type Unsubscribe,
} from '../../shared/contract/index.js'
import { type ActionResult, api, errorMessage, failed, messageSender } from '../client.js'
import type { MessageSender } from '../transport/message-sender.js'

/** Uploaded messages per batch call: the web host keeps only a few uploads waiting at once. */
export const BATCH_UPLOADS_PER_SLICE = 4
/** Finished events of runs we have not heard the id of yet (the reply may trail the event). */
const EARLY_FINISHED_MAX = 16

type ProgressEvent = EventPayload<'dkim.batch.progress'>
type FinishedEvent = EventPayload<'dkim.batch.finished'>
type Outcome = FinishedEvent['outcome']

/** A file as the page has it: its name and size at once, its bytes when asked. */
export interface MessageFile {
  name: string
  size: number
  bytes(): Promise<Uint8Array>
}

export function fromFile(file: File): MessageFile {
  const name = file.webkitRelativePath || file.name
  return { name, size: file.size, bytes: async () => new Uint8Array(await file.arrayBuffer()) }
}

export interface VerifyOptions {
  /** A date (YYYY-MM-DD) to judge expiry against; empty: the message's own Received time. */
  asOf: string
  /** Key records (NAME TXT-VALUE lines) to use instead of DNS; empty: DNS. */
  keys: string
}

export type VerifyStatus = 'idle' | 'verifying' | 'done' | 'failed'
export type BatchStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed'
export type SortKey = 'verdict' | 'from' | 'domain' | 'name'
export interface Sort {
  key: SortKey
  ascending: boolean
}

interface DkimStore {
  options: VerifyOptions
  status: VerifyStatus
  /** The message's name, as shown above its report. */
  name: string
  /** How it reached the engine: the large-message path is worth saying. */
  via: MessageSource['kind'] | null
  report: DkimReport | null
  error: string | null
  batch: {
    status: BatchStatus
    runId: RunId | null
    done: number
    total: number
    current: string
    /** Messages of the slices before the current one (progress events count within a slice). */
    offset: number
    rows: DkimBatchRow[]
    error: string | null
  }
  sort: Sort
  setOptions(patch: Partial<VerifyOptions>): void
  verifyBytes(bytes: Uint8Array, name: string): Promise<ActionResult>
  verifyText(text: string): Promise<ActionResult>
  verifyFiles(files: MessageFile[]): Promise<ActionResult>
  cancelBatch(): Promise<ActionResult>
  receiveProgress(event: ProgressEvent): void
  receiveFinished(event: FinishedEvent): void
  setSort(key: SortKey): void
  reset(): void
}

const idleBatch = {
  status: 'idle' as BatchStatus,
  runId: null,
  done: 0,
  total: 0,
  current: '',
  offset: 0,
  rows: [],
  error: null,
}

const initial = {
  options: { asOf: '', keys: '' },
  status: 'idle' as VerifyStatus,
  name: '',
  via: null,
  report: null,
  error: null,
  batch: idleBatch,
  sort: { key: 'name' as SortKey, ascending: true },
}

/** The `at` the contract takes: midnight UTC of the chosen day, or nothing. */
export function asOfInstant(asOf: string): string | null {
  const day = asOf.trim()
  if (day === '') return null
  const time = Date.parse(`${day}T00:00:00Z`)
  return Number.isNaN(time) ? null : new Date(time).toISOString()
}

/** One batch call: the files it carries, which go inline and which by upload. */
export interface Slice {
  files: MessageFile[]
}

/**
 * Groups files into calls: inline bytes per call within the sender's inline bound, at most
 * BATCH_UPLOADS_PER_SLICE uploads and DKIM_BATCH_MAX_MESSAGES messages each. Pure: sizes only.
 */
export function planSlices(
  files: MessageFile[],
  sender: Pick<MessageSender, 'inlineMaxBytes' | 'uploads'>,
): Slice[] {
  const slices: Slice[] = []
  let current: MessageFile[] = []
  let inlineBytes = 0
  let uploads = 0
  const flush = () => {
    if (current.length > 0) slices.push({ files: current })
    current = []
    inlineBytes = 0
    uploads = 0
  }
  for (const file of files) {
    const upload = sender.uploads && file.size > sender.inlineMaxBytes
    if (
      current.length >= DKIM_BATCH_MAX_MESSAGES ||
      (upload && uploads >= BATCH_UPLOADS_PER_SLICE) ||
      (!upload && inlineBytes + file.size > sender.inlineMaxBytes && current.length > 0)
    ) {
      flush()
    }
    current.push(file)
    if (upload) uploads++
    else inlineBytes += file.size
  }
  flush()
  return slices
}

/** RFC 8601 words, best first, the order the contract's verdict uses. */
const VERDICT_RANK: Record<DkimResult, number> = {
  pass: 0,
  policy: 1,
  fail: 2,
  temperror: 3,
  permerror: 4,
  neutral: 5,
  none: 6,
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })

function sortValue(row: DkimBatchRow, key: SortKey): string {
  if (key === 'from') return row.from ?? ''
  if (key === 'domain') return row.domains[0] ?? ''
  return row.name
}

/** Rows in the chosen order; ties keep the name order so the table does not shuffle. */
export function sortRows(rows: DkimBatchRow[], sort: Sort): DkimBatchRow[] {
  const sign = sort.ascending ? 1 : -1
  return [...rows].sort((a, b) => {
    const primary =
      sort.key === 'verdict'
        ? VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict]
        : collator.compare(sortValue(a, sort.key), sortValue(b, sort.key))
    return primary !== 0 ? sign * primary : collator.compare(a.name, b.name)
  })
}

function errorRow(name: string, error: string): DkimBatchRow {
  return {
    name,
    verdict: 'none',
    alignedPass: false,
    from: null,
    domains: [],
    signatures: 0,
    findings: { critical: 0, warning: 0, info: 0 },
    error,
  }
}

// Outside the state: how the batch loop waits for each run's finished event.
const waiting = new Map<RunId, (outcome: Outcome) => void>()
const early = new Map<RunId, Outcome>()
/** Bumped by every new verify or batch, so a late answer of an older one is dropped. */
let verifyGeneration = 0
let batchGeneration = 0
let cancelRequested = false

function finishedOf(runId: RunId): Promise<Outcome> {
  const known = early.get(runId)
  if (known) {
    early.delete(runId)
    return Promise.resolve(known)
  }
  return new Promise((resolve) => waiting.set(runId, resolve))
}

export const useDkimStore = create<DkimStore>()((set, get) => {
  const patchBatch = (patch: Partial<DkimStore['batch']>) => set((s) => ({ batch: { ...s.batch, ...patch } }))

  /** Reads and sends one slice; files that cannot be read or sent become rows with the reason. */
  async function sendSlice(slice: Slice, sender: MessageSender) {
    const sources: MessageSource[] = []
    const refused: DkimBatchRow[] = []
    for (const file of slice.files) {
      if (file.size > MESSAGE_SOURCE_MAX_BYTES) {
        refused.push(
          errorRow(file.name, `Larger than Mailwarden accepts (${MESSAGE_SOURCE_MAX_BYTES / 2 ** 20} MiB).`),
        )
        continue
      }
      try {
        sources.push(await sender.send(await file.bytes(), file.name))
      } catch (error) {
        refused.push(errorRow(file.name, errorMessage(error)))
      }
    }
    return { sources, refused }
  }

  return {
    ...initial,
    setOptions: (patch) => set((s) => ({ options: { ...s.options, ...patch } })),

    async verifyBytes(bytes, name) {
      const generation = ++verifyGeneration
      set({ status: 'verifying', name, report: null, error: null, via: null })
      try {
        const message = await messageSender().send(bytes, name)
        if (generation !== verifyGeneration) return { ok: true }
        set({ via: message.kind })
        const { asOf, keys } = get().options
        const report = await api().dkim.verify({
          message,
          at: asOfInstant(asOf),
          keys: keys.trim() === '' ? null : keys,
        })
        if (generation !== verifyGeneration) return { ok: true }
        set({ status: 'done', report })
        return { ok: true }
      } catch (error) {
        if (generation === verifyGeneration) set({ status: 'failed', error: errorMessage(error) })
        return failed(error)
      }
    },

    verifyText(text) {
      return get().verifyBytes(new TextEncoder().encode(text), 'pasted message')
    },

    async verifyFiles(files) {
      if (files.length === 0) return { ok: false, message: 'The folder has no files to verify.' }
      // A new folder replaces a run still going (files dropped while one runs): stop that one.
      const previous = get().batch.runId
      if (previous)
        void api()
          .runs.cancel({ runId: previous })
          .catch(() => {})
      const generation = ++batchGeneration
      cancelRequested = false
      const sender = messageSender()
      const slices = planSlices(files, sender)
      set({ batch: { ...idleBatch, status: 'running', total: files.length } })
      let before = 0
      try {
        for (const slice of slices) {
          if (cancelRequested || generation !== batchGeneration) break
          patchBatch({ current: slice.files[0]?.name ?? '', offset: before })
          const { sources, refused } = await sendSlice(slice, sender)
          patchBatch({ rows: [...get().batch.rows, ...refused] })
          if (sources.length > 0 && !cancelRequested) {
            const { asOf } = get().options
            const { runId } = await api().dkim.batch({ messages: sources, at: asOfInstant(asOf) })
            patchBatch({ runId })
            // Cancel pressed while the run was being started: stop it now that it has an id.
            if (cancelRequested)
              await api()
                .runs.cancel({ runId })
                .catch(() => {})
            const outcome = await finishedOf(runId)
            if (generation !== batchGeneration) return { ok: true }
            patchBatch({ runId: null })
            if (outcome.status === 'failed') throw new Error(outcome.error.message)
            if (outcome.status === 'cancelled') break
            patchBatch({ rows: [...get().batch.rows, ...outcome.result.rows] })
          }
          before += slice.files.length
          patchBatch({ done: before })
        }
        if (generation === batchGeneration) {
          patchBatch({ status: cancelRequested ? 'cancelled' : 'done', runId: null, current: '' })
        }
        return { ok: true }
      } catch (error) {
        if (generation === batchGeneration)
          patchBatch({ status: 'failed', runId: null, error: errorMessage(error) })
        return failed(error)
      }
    },

    async cancelBatch() {
      const { batch } = get()
      if (batch.status !== 'running') return { ok: true }
      cancelRequested = true
      patchBatch({ status: 'cancelling' })
      if (!batch.runId) return { ok: true }
      try {
        await api().runs.cancel({ runId: batch.runId })
        return { ok: true }
      } catch (error) {
        return failed(error)
      }
    },

    receiveProgress({ runId, progress }) {
      const { batch } = get()
      if (runId !== batch.runId) return
      const done = Math.min(batch.total, batch.offset + progress.done)
      patchBatch({ current: progress.name, done: Math.max(batch.done, done) })
    },

    receiveFinished({ runId, outcome }) {
      const resolve = waiting.get(runId)
      if (resolve) {
        waiting.delete(runId)
        resolve(outcome)
        return
      }
      early.set(runId, outcome)
      if (early.size > EARLY_FINISHED_MAX) {
        const oldest = early.keys().next().value
        if (oldest !== undefined) early.delete(oldest)
      }
    },

    setSort: (key) =>
      set((s) => ({ sort: { key, ascending: s.sort.key === key ? !s.sort.ascending : true } })),

    reset() {
      verifyGeneration++
      batchGeneration++
      cancelRequested = false
      for (const resolve of waiting.values()) resolve({ status: 'cancelled' })
      waiting.clear()
      early.clear()
      set(initial)
    },
  }
})

/** Wires the batch run's events (connect.ts). */
export function connectDkimEvents(client: Client): Unsubscribe[] {
  return [
    client.on('dkim.batch.progress', (event) => useDkimStore.getState().receiveProgress(event)),
    client.on('dkim.batch.finished', (event) => useDkimStore.getState().receiveFinished(event)),
  ]
}
