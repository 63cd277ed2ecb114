// DKIM verification from this window: one message (dkim.verify), a folder of them (dkim.batch, a
// long run per slice) and an mbox (dkim.archive, one long run whose rows arrive with its progress).
// Messages travel the way the link allows (messageSender(): inline, or uploaded past the
// WebSocket's cap); an mbox is handed over whole by the link (streamed from disk by the browser,
// named by path in the desktop app), never read into the page. A folder is sent in slices small
// enough for one call each; progress events are matched to our run by id, and cancel stops the
// current run and the slices after it.
import { create } from 'zustand'
import {
  batchErrorRow,
  type Client,
  DKIM_BATCH_MAX_MESSAGES,
  type DkimArchiveResult,
  type DkimBatchRow,
  type DkimReport,
  type DkimResult,
  type EventPayload,
  isMessageFileName,
  MBOX_HEAD_BYTES,
  MESSAGE_SOURCE_MAX_BYTES,
  type MessageSource,
  type RunId,
  startsWithMboxFromLine,
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
type ArchiveProgressEvent = EventPayload<'dkim.archive.progress'>
type ArchiveFinishedEvent = EventPayload<'dkim.archive.finished'>
type ArchiveOutcome = ArchiveFinishedEvent['outcome']
/** Progress events of an mbox run whose id has not come back yet: kept, then applied (they carry rows). */
const EARLY_PROGRESS_MAX = 64

/**
 * True when a file is an mbox (RFC 4155), not a single message: never a *.eml, else only when its
 * first line is a real From_ line. "From : ceo@bank.example" is a message's (malformed) first
 * header, which the verifier must see and report, not a separator to skip.
 */
export async function isMbox(file: Blob & { name?: string }): Promise<boolean> {
  if (file.name !== undefined && isMessageFileName(file.name)) return false
  return startsWithMboxFromLine(new Uint8Array(await file.slice(0, MBOX_HEAD_BYTES + 2).arrayBuffer()))
}

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
/** A folder (files, in slices) or an mbox (one run); an mbox is first sent, then verified. */
export type BatchKind = 'folder' | 'mbox'
export type BatchPhase = 'sending' | 'verifying'
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
    kind: BatchKind
    phase: BatchPhase
    /** The mbox's name, and how far through its bytes verification is. */
    archiveName: string
    bytesRead: number
    totalBytes: number
    /** Rows of an mbox run the page did not receive (an event lost while the link was down). */
    missedRows: number
    /** An mbox run's counts, over every message (the table may list fewer). */
    summary: DkimArchiveResult | null
  }
  sort: Sort
  setOptions(patch: Partial<VerifyOptions>): void
  verifyBytes(bytes: Uint8Array, name: string): Promise<ActionResult>
  verifyText(text: string): Promise<ActionResult>
  verifyFiles(files: MessageFile[]): Promise<ActionResult>
  /** An mbox, verified as one run: sent by the link (never read into the page), rows as they come. */
  verifyMbox(file: File): Promise<ActionResult>
  /** A file opened or dropped alone: an mbox goes to verifyMbox, anything else is one message. */
  openFile(file: File): Promise<ActionResult>
  cancelBatch(): Promise<ActionResult>
  receiveProgress(event: ProgressEvent): void
  receiveFinished(event: FinishedEvent): void
  receiveArchiveProgress(event: ArchiveProgressEvent): void
  receiveArchiveFinished(event: ArchiveFinishedEvent): void
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
  kind: 'folder' as BatchKind,
  phase: 'verifying' as BatchPhase,
  archiveName: '',
  bytesRead: 0,
  totalBytes: 0,
  missedRows: 0,
  summary: null,
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

/** The key records the contract takes: the text as typed, or nothing (keys from DNS). */
function keyText(keys: string): string | null {
  return keys.trim() === '' ? null : keys
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

/** Waits for runs' finished events by id, keeping a few that arrive before their run id does. */
function runWaiter<O extends { status: string }>() {
  const waiting = new Map<RunId, (outcome: O) => void>()
  const early = new Map<RunId, O>()
  return {
    finishedOf(runId: RunId): Promise<O> {
      const known = early.get(runId)
      if (known) {
        early.delete(runId)
        return Promise.resolve(known)
      }
      return new Promise((resolve) => waiting.set(runId, resolve))
    },
    receive(runId: RunId, outcome: O): void {
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
    clear(cancelled: O): void {
      for (const resolve of waiting.values()) resolve(cancelled)
      waiting.clear()
      early.clear()
    },
  }
}

// Outside the state: how the batch loop and the mbox run wait for their runs' finished events.
const batchRuns = runWaiter<Outcome>()
const archiveRuns = runWaiter<ArchiveOutcome>()
const earlyProgress: ArchiveProgressEvent[] = []
/** Stops an mbox upload still being sent. */
let archiveUpload: AbortController | null = null
/** Bumped by every new verify or batch, so a late answer of an older one is dropped. */
let verifyGeneration = 0
let batchGeneration = 0
let cancelRequested = false

export const useDkimStore = create<DkimStore>()((set, get) => {
  const patchBatch = (patch: Partial<DkimStore['batch']>) => set((s) => ({ batch: { ...s.batch, ...patch } }))

  /** A new folder or mbox replaces a run still going: stops it (and any upload), returns the new generation. */
  function replaceBatch(): number {
    const previous = get().batch.runId
    if (previous)
      void api()
        .runs.cancel({ runId: previous })
        .catch(() => {})
    archiveUpload?.abort()
    cancelRequested = false
    return ++batchGeneration
  }

  /** Reads and sends one slice; files that cannot be read or sent become rows with the reason. */
  async function sendSlice(slice: Slice, sender: MessageSender) {
    const sources: MessageSource[] = []
    const refused: DkimBatchRow[] = []
    for (const file of slice.files) {
      if (file.size > MESSAGE_SOURCE_MAX_BYTES) {
        refused.push(
          batchErrorRow(
            file.name,
            `Larger than Mailwarden accepts (${MESSAGE_SOURCE_MAX_BYTES / 2 ** 20} MiB).`,
          ),
        )
        continue
      }
      try {
        sources.push(await sender.send(await file.bytes(), file.name))
      } catch (error) {
        refused.push(batchErrorRow(file.name, errorMessage(error)))
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
          keys: keyText(keys),
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
      // Files dropped while a run goes on replace it.
      const generation = replaceBatch()
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
            const { asOf, keys } = get().options
            const { runId } = await api().dkim.batch({
              messages: sources,
              at: asOfInstant(asOf),
              keys: keyText(keys),
            })
            patchBatch({ runId })
            // Cancel pressed while the run was being started: stop it now that it has an id.
            if (cancelRequested)
              await api()
                .runs.cancel({ runId })
                .catch(() => {})
            const outcome = await batchRuns.finishedOf(runId)
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

    async verifyMbox(file) {
      const sender = messageSender()
      if (!sender.sendArchive) {
        set({
          batch: {
            ...idleBatch,
            kind: 'mbox',
            status: 'failed',
            archiveName: file.name,
            error:
              'This window has no way to hand an mbox to Mailwarden; use “mailwarden dkim verify FILE.mbox”.',
          },
        })
        return { ok: false, message: 'No route for an mbox.' }
      }
      const generation = replaceBatch()
      earlyProgress.length = 0
      const upload = new AbortController()
      archiveUpload = upload
      set({
        batch: {
          ...idleBatch,
          kind: 'mbox',
          status: 'running',
          phase: 'sending',
          archiveName: file.name,
          current: file.name,
          totalBytes: file.size,
        },
      })
      try {
        const archive = await sender.sendArchive(file, file.name, upload.signal)
        if (generation !== batchGeneration) return { ok: true }
        archiveUpload = null
        if (cancelRequested) {
          patchBatch({ status: 'cancelled', current: '' })
          return { ok: true }
        }
        patchBatch({ phase: 'verifying' })
        const { asOf, keys } = get().options
        const { runId } = await api().dkim.archive({ archive, at: asOfInstant(asOf), keys: keyText(keys) })
        if (generation !== batchGeneration) return { ok: true }
        patchBatch({ runId })
        for (const event of earlyProgress.splice(0)) get().receiveArchiveProgress(event)
        if (cancelRequested)
          await api()
            .runs.cancel({ runId })
            .catch(() => {})
        const outcome = await archiveRuns.finishedOf(runId)
        if (generation !== batchGeneration) return { ok: true }
        if (outcome.status === 'failed') throw new Error(outcome.error.message)
        if (outcome.status === 'cancelled') patchBatch({ status: 'cancelled', runId: null, current: '' })
        else
          patchBatch({
            status: 'done',
            runId: null,
            current: '',
            summary: outcome.result,
            done: outcome.result.messages,
            bytesRead: get().batch.totalBytes,
          })
        return { ok: true }
      } catch (error) {
        if (generation !== batchGeneration) return { ok: true }
        archiveUpload = null
        if (cancelRequested) {
          // The upload was stopped by Cancel: that is what the user asked for, not a failure.
          patchBatch({ status: 'cancelled', runId: null, current: '' })
          return { ok: true }
        }
        patchBatch({ status: 'failed', runId: null, error: errorMessage(error) })
        return failed(error)
      }
    },

    async openFile(file) {
      if (await isMbox(file)) {
        return get().verifyMbox(file)
      }
      return get().verifyBytes(new Uint8Array(await file.arrayBuffer()), file.name)
    },

    async cancelBatch() {
      const { batch } = get()
      if (batch.status !== 'running') return { ok: true }
      cancelRequested = true
      patchBatch({ status: 'cancelling' })
      archiveUpload?.abort()
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
      batchRuns.receive(runId, outcome)
    },

    receiveArchiveProgress(event) {
      const { batch } = get()
      if (batch.kind !== 'mbox') return
      if (batch.runId === null) {
        // Our run's id may trail its first events; anyone else's run is dropped when it comes.
        if (
          batch.status === 'running' &&
          batch.phase === 'verifying' &&
          earlyProgress.length < EARLY_PROGRESS_MAX
        )
          earlyProgress.push(event)
        return
      }
      if (event.runId !== batch.runId) return
      const { progress } = event
      const have = batch.rows.length + batch.missedRows
      // Append what is new: an event already seen adds nothing, a gap is counted and said.
      const fresh = progress.rows.slice(Math.max(0, have - progress.first))
      patchBatch({
        rows: fresh.length > 0 ? [...batch.rows, ...fresh] : batch.rows,
        missedRows: batch.missedRows + Math.max(0, progress.first - have),
        done: Math.max(batch.done, progress.done),
        bytesRead: Math.max(batch.bytesRead, progress.bytesRead),
        totalBytes: progress.totalBytes,
        current: progress.name,
      })
    },

    receiveArchiveFinished({ runId, outcome }) {
      archiveRuns.receive(runId, outcome)
    },

    setSort: (key) =>
      set((s) => ({ sort: { key, ascending: s.sort.key === key ? !s.sort.ascending : true } })),

    reset() {
      verifyGeneration++
      batchGeneration++
      cancelRequested = false
      archiveUpload?.abort()
      archiveUpload = null
      earlyProgress.length = 0
      batchRuns.clear({ status: 'cancelled' })
      archiveRuns.clear({ status: 'cancelled' })
      set(initial)
    },
  }
})

/** Wires the batch run's events (connect.ts). */
export function connectDkimEvents(client: Client): Unsubscribe[] {
  return [
    client.on('dkim.batch.progress', (event) => useDkimStore.getState().receiveProgress(event)),
    client.on('dkim.batch.finished', (event) => useDkimStore.getState().receiveFinished(event)),
    client.on('dkim.archive.progress', (event) => useDkimStore.getState().receiveArchiveProgress(event)),
    client.on('dkim.archive.finished', (event) => useDkimStore.getState().receiveArchiveFinished(event)),
  ]
}
