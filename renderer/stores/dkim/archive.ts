// An mbox verified from this window (dkim.archive): handed over whole by the link (streamed from
// disk by the browser, named by path in the desktop app), never read into the page; then one long
// run whose rows arrive with its progress.
import {
  type DkimArchiveProgress,
  type DkimArchiveResult,
  isMessageFileName,
  MBOX_HEAD_BYTES,
  startsWithMboxFromLine,
} from '../../../shared/contract/index.js'
import { type ActionResult, api, errorMessage, failed, messageSender } from '../../client.js'
import type { RunOutcome } from '../run-tracker.js'
import type { BatchSlot } from './slot.js'
import { callOptions, idleBatch } from './state.js'

/**
 * True when a file is an mbox (RFC 4155), not a single message: never a *.eml, else only when its
 * first line is a real From_ line. "From : ceo@bank.example" is a message's (malformed) first
 * header, which the verifier must see and report, not a separator to skip.
 */
export async function isMbox(file: Blob & { name?: string }): Promise<boolean> {
  if (file.name !== undefined && isMessageFileName(file.name)) return false
  return startsWithMboxFromLine(new Uint8Array(await file.slice(0, MBOX_HEAD_BYTES + 2).arrayBuffer()))
}

/** Verifies an mbox in the batch area: sending, then verifying, then its summary. */
export async function verifyArchive(slot: BatchSlot, file: File): Promise<ActionResult> {
  const sender = messageSender()
  if (!sender.sendArchive) {
    slot.show({
      ...idleBatch,
      kind: 'mbox',
      status: 'failed',
      archiveName: file.name,
      error: 'This window has no way to hand an mbox to Mailwarden; use “mailwarden dkim verify FILE.mbox”.',
    })
    return { ok: false, message: 'No route for an mbox.' }
  }
  const generation = slot.replace()
  const signal = slot.beginUpload()
  slot.show({
    ...idleBatch,
    kind: 'mbox',
    status: 'running',
    phase: 'sending',
    archiveName: file.name,
    current: file.name,
    totalBytes: file.size,
  })
  try {
    const archive = await sender.sendArchive(file, file.name, signal)
    if (!slot.isCurrent(generation)) return { ok: true }
    slot.endUpload()
    if (slot.cancelRequested) {
      slot.patch({ status: 'cancelled', current: '' })
      return { ok: true }
    }
    slot.patch({ phase: 'verifying' })
    const run = await slot.archiveRuns.start(
      () => api().dkim.archive({ archive, ...callOptions(slot.options) }),
      {
        started: (runId) => slot.patch({ runId }),
        progress: (progress) => showArchiveProgress(slot, progress),
      },
    )
    const outcome = await run.outcome
    if (!slot.isCurrent(generation)) return { ok: true }
    showArchiveOutcome(slot, outcome)
    return { ok: true }
  } catch (error) {
    if (!slot.isCurrent(generation)) return { ok: true }
    slot.endUpload()
    if (slot.cancelRequested) {
      // The upload was stopped by Cancel: that is what the user asked for, not a failure.
      slot.patch({ status: 'cancelled', runId: null, current: '' })
      return { ok: true }
    }
    slot.patch({ status: 'failed', runId: null, error: errorMessage(error) })
    return failed(error)
  }
}

/** Appends what is new: an event already seen adds nothing, a gap is counted and said. */
function showArchiveProgress(slot: BatchSlot, progress: DkimArchiveProgress): void {
  const { batch } = slot
  const have = batch.rows.length + batch.missedRows
  const fresh = progress.rows.slice(Math.max(0, have - progress.first))
  slot.patch({
    rows: fresh.length > 0 ? [...batch.rows, ...fresh] : batch.rows,
    missedRows: batch.missedRows + Math.max(0, progress.first - have),
    done: Math.max(batch.done, progress.done),
    bytesRead: Math.max(batch.bytesRead, progress.bytesRead),
    totalBytes: progress.totalBytes,
    current: progress.name,
  })
}

/** A failed run throws its sentence (verifyArchive shows it); the others end the area's run. */
function showArchiveOutcome(slot: BatchSlot, outcome: RunOutcome<DkimArchiveResult>): void {
  if (outcome.status === 'failed') throw new Error(outcome.error.message)
  if (outcome.status === 'cancelled') {
    slot.patch({ status: 'cancelled', runId: null, current: '' })
    return
  }
  slot.patch({
    status: 'done',
    runId: null,
    current: '',
    summary: outcome.result,
    done: outcome.result.messages,
    bytesRead: slot.batch.totalBytes,
  })
}
