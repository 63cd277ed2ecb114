// A folder of messages verified from this window (dkim.batch): planned into slices small enough
// for one call each, then per slice its files read and sent, one long run followed to its end,
// and its rows added. Cancel stops the current run and the slices after it.
import {
  batchErrorRow,
  DKIM_BATCH_MAX_MESSAGES,
  type DkimBatchProgress,
  type DkimBatchRow,
  MESSAGE_SOURCE_MAX_BYTES,
  type MessageSource,
} from '../../../shared/contract/index.js'
import { type ActionResult, api, errorMessage, failed, messageSender } from '../../client.js'
import type { MessageSender } from '../../transport/message-sender.js'
import type { BatchSlot } from './slot.js'
import { callOptions, idleBatch, type MessageFile } from './state.js'

/** Uploaded messages per batch call: the web host keeps only a few uploads waiting at once. */
export const BATCH_UPLOADS_PER_SLICE = 4

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

/** How a slice went: on to the next, stopped by Cancel, or replaced by a newer folder or mbox. */
type SliceEnd = 'next' | 'cancelled' | 'replaced'

/** Verifies a folder, slice after slice, in the batch area. */
export async function verifyFolder(slot: BatchSlot, files: MessageFile[]): Promise<ActionResult> {
  if (files.length === 0) return { ok: false, message: 'The folder has no files to verify.' }
  // Files dropped while a run goes on replace it.
  const generation = slot.replace()
  const sender = messageSender()
  const slices = planSlices(files, sender)
  slot.show({ ...idleBatch, status: 'running', total: files.length })
  let before = 0
  try {
    for (const slice of slices) {
      if (slot.cancelRequested || !slot.isCurrent(generation)) break
      slot.patch({ current: slice.files[0]?.name ?? '', offset: before })
      const end = await verifySlice(slot, slice, sender, generation)
      if (end === 'replaced') return { ok: true }
      if (end === 'cancelled') break
      before += slice.files.length
      slot.patch({ done: before })
    }
    if (slot.isCurrent(generation)) {
      slot.patch({ status: slot.cancelRequested ? 'cancelled' : 'done', runId: null, current: '' })
    }
    return { ok: true }
  } catch (error) {
    if (slot.isCurrent(generation)) slot.patch({ status: 'failed', runId: null, error: errorMessage(error) })
    return failed(error)
  }
}

/** One slice: its files sent, then one dkim.batch run followed to its end. Throws a failed run's sentence. */
async function verifySlice(
  slot: BatchSlot,
  slice: Slice,
  sender: MessageSender,
  generation: number,
): Promise<SliceEnd> {
  const { sources, refused } = await sendSlice(slice, sender)
  // A newer folder or mbox may have taken the area while the files were read: these rows are not
  // its rows, and a run started now would replace its run.
  if (!slot.isCurrent(generation)) return 'replaced'
  slot.patch({ rows: [...slot.batch.rows, ...refused] })
  if (sources.length === 0 || slot.cancelRequested) return 'next'
  const run = await slot.folderRuns.start(
    () => api().dkim.batch({ messages: sources, ...callOptions(slot.options) }),
    {
      started: (runId) => slot.patch({ runId }),
      progress: (progress) => showFolderProgress(slot, progress),
    },
  )
  const outcome = await run.outcome
  if (!slot.isCurrent(generation)) return 'replaced'
  slot.patch({ runId: null })
  if (outcome.status === 'failed') throw new Error(outcome.error.message)
  if (outcome.status === 'cancelled') return 'cancelled'
  slot.patch({ rows: [...slot.batch.rows, ...outcome.result.rows] })
  return 'next'
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

/** A slice's progress counts within the slice: the slices before it come first. */
function showFolderProgress(slot: BatchSlot, progress: DkimBatchProgress): void {
  const { batch } = slot
  const done = Math.min(batch.total, batch.offset + progress.done)
  slot.patch({ current: progress.name, done: Math.max(batch.done, done) })
}
