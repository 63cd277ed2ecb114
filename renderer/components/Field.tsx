import { type ReactNode, useId } from 'react'

export interface FieldIds {
  id: string
  /** For aria-describedby: the hint and, when shown, the error. */
  describedBy: string | undefined
  invalid: boolean
}

interface Props {
  label: string
  hint?: ReactNode
  error?: string | null
  children(ids: FieldIds): ReactNode
}

/** A label, an optional hint and an inline error, tied to one input by ids. */
export function Field({ label, hint, error, children }: Props) {
  const id = useId()
  const hintId = hint ? `${id}-hint` : undefined
  const errorId = error ? `${id}-error` : undefined
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {children({ id, describedBy, invalid: Boolean(error) })}
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  )
}
