// The DKIM store's shape, shared by its three workflows (message.ts, batch.ts, archive.ts): the
// one-message report, the batch area (a folder or an mbox, whichever came last), the options
// every call takes, and the table's order.
import type { StoreApi } from 'zustand'
import type {
  DkimArchiveResult,
  DkimBatchRow,
  DkimReport,
  EventPayload,
  MessageSource,
  RunId,
} from '../../../shared/contract/index.js'
import type { ActionResult } from '../../client.js'

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

export interface BatchState {
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

export interface DkimStore {
  options: VerifyOptions
  status: VerifyStatus
  /** The message's name, as shown above its report. */
  name: string
  /** How it reached the engine: the large-message path is worth saying. */
  via: MessageSource['kind'] | null
  report: DkimReport | null
  error: string | null
  batch: BatchState
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
  receiveProgress(event: EventPayload<'dkim.batch.progress'>): void
  receiveFinished(event: EventPayload<'dkim.batch.finished'>): void
  receiveArchiveProgress(event: EventPayload<'dkim.archive.progress'>): void
  receiveArchiveFinished(event: EventPayload<'dkim.archive.finished'>): void
  setSort(key: SortKey): void
  reset(): void
}

export type DkimStoreApi = StoreApi<DkimStore>

export const idleBatch: BatchState = {
  status: 'idle',
  runId: null,
  done: 0,
  total: 0,
  current: '',
  offset: 0,
  rows: [],
  error: null,
  kind: 'folder',
  phase: 'verifying',
  archiveName: '',
  bytesRead: 0,
  totalBytes: 0,
  missedRows: 0,
  summary: null,
}

export const initial = {
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
export function keyText(keys: string): string | null {
  return keys.trim() === '' ? null : keys
}

/** The options part of every verify call, from what the form holds. */
export function callOptions(options: VerifyOptions): { at: string | null; keys: string | null } {
  return { at: asOfInstant(options.asOf), keys: keyText(options.keys) }
}
