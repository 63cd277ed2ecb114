export type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; message?: string }
  | { kind: 'error'; message: string }

export const IDLE: SaveState = { kind: 'idle' }

/**
 * The outcome of the last save, announced to screen readers. The live regions stay mounted so
 * that a change of text is announced.
 */
export function SaveStatus({ state }: { state: SaveState }) {
  return (
    <div className="save-status">
      <p role="status" className="status-ok">
        {state.kind === 'saving' && 'Saving…'}
        {state.kind === 'saved' && (state.message ?? 'Saved')}
      </p>
      <p role="alert" className="status-error">
        {state.kind === 'error' && state.message}
      </p>
    </div>
  )
}

/** A form's primary submit button with the outcome of its last save beside it. */
export function SaveActions({ label, state }: { label: string; state: SaveState }) {
  return (
    <div className="form-actions">
      <button type="submit" className="button button-primary">
        {label}
      </button>
      <SaveStatus state={state} />
    </div>
  )
}
