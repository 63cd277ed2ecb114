// The UI's mbox verification (`dkim.archive`): the CLI's own reading and pool (sources.ts scans
// the file with mbox.ts, pool.ts verifies on worker threads), fed a file the host holds, turned
// into rows that travel with the progress events. The file is read in place, a chunk at a time:
// the engine never holds the mbox, and at most DKIM_ARCHIVE_MAX_ROWS rows.
import {
  batchErrorRow,
  DKIM_ARCHIVE_MAX_ROWS,
  DKIM_ARCHIVE_ROWS_PER_EVENT,
  type DkimArchiveProgress,
  type DkimArchiveResult,
  type DkimBatchRow,
  type DkimMboxFormat,
} from '../../../shared/contract/dkim.js'
import type { KeySource } from '../key-sources.js'
import { ARCHIVE_PROGRESS_INTERVAL_MS } from './limits.js'
import { type ArchiveOptions, verifyItems } from './pool.js'
import { reportRow } from './rows.js'
import { expandPaths } from './sources.js'

export interface MboxRunOptions {
  /** The file to read (a temporary copy or the user's own), and the name to show for it. */
  file: string
  name: string
  size: number
  format: DkimMboxFormat
  keys: KeySource
  at: Date | null
  signal: AbortSignal
  progress: (progress: DkimArchiveProgress) => void
  /** Worker threads (pool.ts's default when absent). */
  workers?: number
}

/** The row name of the message whose "From " line is at `offset`: what the CLI prints ("path@offset"). */
export function mboxRowName(name: string, offset: number): string {
  return `${name}@${offset}`
}

/** Verifies every message of the mbox; rows go out in progress events, the counts are the result. */
export async function verifyMboxFile(options: MboxRunOptions): Promise<DkimArchiveResult> {
  const { file, name, signal } = options
  // Where the file lives is ours, not the user's: every sentence names the file as they know it.
  const shown = (text: string) => text.split(file).join(name)
  const counts = { messages: 0, listed: 0, alignedPass: 0, notPassing: 0, unusable: 0 }
  let pending: DkimBatchRow[] = []
  let first = 0
  let bytesRead = 0
  let last = name
  let lastSent = 0
  // Rows that wait for the next result would wait as long as it takes (a key lookup that times
  // out): a timer sends them after the interval whatever comes next.
  let timer: NodeJS.Timeout | null = null
  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = null
    options.progress({
      done: counts.messages,
      bytesRead,
      totalBytes: options.size,
      name: last,
      first,
      rows: pending,
    })
    first += pending.length
    pending = []
    lastSent = Date.now()
  }
  const pool: ArchiveOptions = {
    keys: options.keys,
    signal,
    ...(options.at ? { at: options.at } : {}),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
  }
  const items = expandPaths([file], { mboxFormat: options.format, signal, asMbox: true })
  try {
    for await (const result of verifyItems(items, pool)) {
      const item = result.item
      const rowName = item.kind === 'mbox' ? mboxRowName(name, item.offset) : name
      if (item.kind === 'mbox') bytesRead = Math.max(bytesRead, item.end)
      counts.messages++
      if (!result.report) counts.unusable++
      else if (result.report.alignedPass) counts.alignedPass++
      else counts.notPassing++
      last = rowName
      if (counts.listed < DKIM_ARCHIVE_MAX_ROWS) {
        counts.listed++
        pending.push(
          result.report
            ? reportRow(rowName, result.report)
            : batchErrorRow(rowName, shown(result.error ?? 'The message could not be verified.')),
        )
      }
      if (
        pending.length >= DKIM_ARCHIVE_ROWS_PER_EVENT ||
        Date.now() - lastSent >= ARCHIVE_PROGRESS_INTERVAL_MS
      )
        flush()
      else if (!timer)
        timer = setTimeout(
          () => {
            if (!signal.aborted) flush()
          },
          ARCHIVE_PROGRESS_INTERVAL_MS - (Date.now() - lastSent),
        )
    }
  } finally {
    if (timer) clearTimeout(timer)
  }
  signal.throwIfAborted()
  bytesRead = options.size
  flush()
  return counts
}
