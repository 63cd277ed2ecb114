import { useEffect, useRef, useState } from 'react'

interface Props {
  /** What is deleted, in the question: "Delete {what}?" */
  what: string
  onDelete(): void
}

/** "Delete…", then the question with Delete and Keep it; focus goes to Keep it, the safe answer. */
export function ConfirmDelete({ what, onDelete }: Props) {
  const [confirming, setConfirming] = useState(false)
  const keep = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    if (confirming) keep.current?.focus()
  }, [confirming])

  if (!confirming)
    return (
      <button type="button" className="button" onClick={() => setConfirming(true)}>
        Delete…
      </button>
    )
  return (
    <span className="confirm-text">
      Delete {what}?{' '}
      <button type="button" className="button button-danger" onClick={onDelete}>
        Delete
      </button>{' '}
      <button ref={keep} type="button" className="button" onClick={() => setConfirming(false)}>
        Keep it
      </button>
    </span>
  )
}
