import { type ChangeEvent, useCallback } from 'react'
import { fromFile, useDkimStore } from '../../stores/dkim.js'
import { BatchTable } from './BatchTable.js'

/** Browsers pick folders only through this non-standard attribute, which React does not type. */
function asDirectoryPicker(input: HTMLInputElement | null): void {
  input?.setAttribute('webkitdirectory', '')
}

/** Verify many: a folder or several files, as one long run with progress and cancel, then a table. */
export function FolderInput() {
  const batch = useDkimStore((s) => s.batch)
  const verifyFiles = useDkimStore((s) => s.verifyFiles)
  const cancel = useDkimStore((s) => s.cancelBatch)
  const running = batch.status === 'running' || batch.status === 'cancelling'

  const choose = useCallback(
    (event: ChangeEvent<HTMLInputElement>) => {
      const files = Array.from(event.target.files ?? [])
      event.target.value = ''
      if (files.length > 0) void verifyFiles(files.map(fromFile))
    },
    [verifyFiles],
  )

  return (
    <section className="card" aria-labelledby="dkim-folder-title">
      <h2 id="dkim-folder-title">Verify a folder</h2>
      <p className="muted">Every file of the folder is verified; the results come as a table you can sort.</p>
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
      </div>
      {batch.status !== 'idle' && (
        <div className="dkim-batch-status">
          <label htmlFor="dkim-batch-progress" className="field-label">
            Verified {batch.done} of {batch.total}
          </label>
          <progress id="dkim-batch-progress" max={Math.max(batch.total, 1)} value={batch.done} />
          <p role="status" className="muted">
            {batch.status === 'running' && `Verifying${batch.current ? ` ${batch.current}` : ''}…`}
            {batch.status === 'cancelling' && 'Cancelling…'}
            {batch.status === 'done' && `Done: ${batch.rows.length} messages verified.`}
            {batch.status === 'cancelled' &&
              `Cancelled after ${batch.rows.length} of ${batch.total} messages.`}
            {batch.status === 'failed' && 'Stopped by an error.'}
          </p>
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
