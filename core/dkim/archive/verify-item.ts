// One message of an archive, verified: the one way a verifier thread and the main thread (when it
// verifies itself) read a message, verify it and say what it came to.
import type { DkimResult } from '../../../shared/contract/mail.js'
import type { KeySource } from '../key-sources.js'
import { verifyMessage } from '../verify.js'
import { type PrintStyle, printedRow } from './printed.js'
import { type ArchiveReport, archiveReport } from './report.js'
import { type ArchiveItem, itemLabel, readItem, readItemWhole } from './sources.js'

export interface ItemOptions {
  keys: KeySource
  at?: Date
  signal?: AbortSignal
  /** Say the outcome as a printed row (JSON or text) instead of a report. */
  print?: PrintStyle | null
}

/** What one message came to: its report (or printed row) and result, or why it could not be verified. */
export interface ItemOutcome {
  /** Null when the run prints rows, or the message could not be verified. */
  report: ArchiveReport | null
  /** With `print`: the message's row. */
  printed: string | null
  /** Null when the message could not be verified. */
  verdict: DkimResult | null
  alignedPass: boolean
  /** Why the message could not be verified at all. */
  error: string | null
}

export function failedOutcome(item: ArchiveItem, error: string, print?: PrintStyle | null): ItemOutcome {
  const printed = print ? printedRow(print, item, itemLabel(item), null, error) : null
  return { report: null, printed, verdict: null, alignedPass: false, error }
}

function verifiedOutcome(item: ArchiveItem, report: ArchiveReport, print?: PrintStyle | null): ItemOutcome {
  const { verdict, alignedPass } = report
  if (!print) return { report, printed: null, verdict, alignedPass, error: null }
  const printed = printedRow(print, item, itemLabel(item), report, null)
  return { report: null, printed, verdict, alignedPass, error: null }
}

/** Reads (small messages at once, big ones streamed) and verifies one message; throws only on abort. */
export async function verifyItem(item: ArchiveItem, options: ItemOptions): Promise<ItemOutcome> {
  if (item.kind === 'unreadable') return failedOutcome(item, item.reason, options.print)
  try {
    const input = readItemWhole(item) ?? readItem(item, options.signal)
    const report = await verifyMessage(input, {
      keys: options.keys,
      light: true,
      ...(options.at ? { at: options.at } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    })
    return verifiedOutcome(item, archiveReport(report), options.print)
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') throw error
    return failedOutcome(item, error instanceof Error ? error.message : String(error), options.print)
  }
}
