import { type ChangeEvent, useCallback } from 'react'
import { fromFile, useDkimStore } from '../../stores/dkim/index.js'
import { BatchTable } from './BatchTable.js'

/** Browsers pick folders only through this non-standard attribute, which React does not type. */
function asDirectoryPicker(input: HTMLInputElement | null): void {
  input?.setAttribute('webkitdirectory', '')
}

const MIB = 1024 * 1024

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0)} MiB`
}

/** "1 message", "2 messages". */
const count = (n: number) => `${n} message${n === 1 ? '' : 's'}`

/** The status line of the run, in words. */
function statusText(batch: ReturnType<typeof useDkimStore.getState>['batch']): string {
  const mbox = batch.kind === 'mbox'
  switch (batch.status) {
    case 'idle':
      return ''
    case 'running':
      if (mbox && batch.phase === 'sending')
        return `Sending ${batch.archiveName} (${mib(batch.totalBytes)}) to Mailwarden…`
      return `Verifying${batch.current ? ` ${batch.current}` : ''}…`
    case 'cancelling':
      return 'Cancelling…'
    case 'done': {
      if (!mbox || !batch.summary) return `Done: ${count(batch.rows.length)} verified.`
      const { messages, alignedPass, notPassing, unusable } = batch.summary
      return `Done: ${count(messages)} verified: ${alignedPass} pass (aligned with From), ${notPassing} do not, ${unusable} could not be verified.`
    }
    case 'cancelled':
      return mbox
        ? `Cancelled after ${count(batch.done)}.`
        : `Cancelled after ${batch.rows.length} of ${count(batch.total)}.`
    case 'failed':
      return 'Stopped by an error.'
  }
}

/**
 * Verify many: a folder, several files or an mbox, as one long run with progress and cancel,
 * then a table. An mbox is handed over whole (never read into the page) and read on the engine's
 * worker threads, a message at a time.
 */
export function FolderInput() {
  const batch = useDkimStore((s) => s.batch)
  const verifyFiles = useDkimStore((s) => s.verifyFiles)
  const verifyMbox = useDkimStore((s) => s.verifyMbox)
  const cancel = useDkimStore((s) => s.cancelBatch)
  const running = batch.status === 'running' || batch.status === 'cancelling'
  const mbox = batch.kind === 'mbox'

  const choose = useCallback(
    (event: ChangeEvent<HTMLInputElement>) => {
      const files = Array.from(event.target.files ?? [])
      event.target.value = ''
      if (files.length > 0) void verifyFiles(files.map(fromFile))
    },
    [verifyFiles],
  )
  const chooseMbox = useCallback(
    (event: ChangeEvent<HTMLInputElement>) => {
      const file = event.target.files?.[0]
      event.target.value = ''
      if (file) void verifyMbox(file)
    },
    [verifyMbox],
  )

  const sending = mbox && batch.phase === 'sending' && running
  const progressLabel = mbox
    ? `Verified ${count(batch.done)}, ${mib(batch.bytesRead)} of ${mib(batch.totalBytes)}`
    : `Verified ${batch.done} of ${batch.total}`

  return (
    <section className="card" aria-labelledby="dkim-folder-title">
      <h2 id="dkim-folder-title">Verify a folder or an mbox</h2>
      <p className="muted">
        Every message is verified; the results come as a table you can sort. An mbox (mboxrd or mboxo, as mail
        clients export one) is read on this computer a message at a time, whatever its size.
      </p>
      <div className="dkim-folder-pickers">
        <div className="field">
          <label className="field-label" htmlFor="dkim-folder">
            Folder of messages
          </label>
          <input
            id="dkim-folder"
            type="file"
            multiple
            ref={asDirectoryPicker}
            disabled={running}
            onChange={choose}
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="dkim-files">
            Several message files
          </label>
          <input id="dkim-files" type="file" multiple disabled={running} onChange={choose} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="dkim-mbox">
            An mbox file
          </label>
          <input id="dkim-mbox" type="file" disabled={running} onChange={chooseMbox} />
        </div>
      </div>
      {batch.status !== 'idle' && (
        <div className="dkim-batch-status">
          <label htmlFor="dkim-batch-progress" className="field-label">
            {sending ? `Sending ${mib(batch.totalBytes)}` : progressLabel}
          </label>
          {sending ? (
            // How far an upload is, the page cannot tell: an indeterminate bar says "working".
            <progress id="dkim-batch-progress" />
          ) : mbox ? (
            <progress id="dkim-batch-progress" max={Math.max(batch.totalBytes, 1)} value={batch.bytesRead} />
          ) : (
            <progress id="dkim-batch-progress" max={Math.max(batch.total, 1)} value={batch.done} />
          )}
          <p role="status" className="muted">
            {statusText(batch)}
          </p>
          {mbox && batch.summary && batch.summary.listed < batch.summary.messages && (
            <p className="muted">
              The table lists the first {batch.summary.listed} messages; the counts above cover all{' '}
              {batch.summary.messages}. For every row, use <code>mailwarden dkim verify --json-lines</code>.
            </p>
          )}
          {batch.missedRows > 0 && (
            <p className="banner banner-warning">
              {batch.missedRows} rows did not reach this page (the connection dropped); verify the mbox again
              to see them all.
            </p>
          )}
          {batch.error && (
            <p className="banner banner-error" role="alert">
              {batch.error}
            </p>
          )}
          {running && (
            <button type="button" className="button" onClick={() => void cancel()}>
              Cancel
            </button>
          )}
        </div>
      )}
      {batch.rows.length > 0 && <BatchTable />}
    </section>
  )
}
