import { useState } from 'react'

interface Props {
  text: string
  /** What is copied, for the button's accessible name ("the DNS record"). */
  what: string
  label?: string
}

/** Copies `text`; where the clipboard is refused, shows it selected for a manual copy. */
export function CopyText({ text, what, label = 'Copy' }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle')

  async function copy() {
    try {
      await navigator.clipboard.writeText(text)
      setState('copied')
    } catch {
      setState('manual')
    }
  }

  return (
    <div className="copy-text">
      <button type="button" className="button" onClick={() => void copy()}>
        {label}
        <span className="visually-hidden"> {what}</span>
      </button>
      <span role="status" className="status-ok small">
        {state === 'copied' && 'Copied.'}
      </span>
      {state === 'manual' && (
        <textarea
          className="copy-manual"
          readOnly
          rows={4}
          aria-label={`${what}, to copy`}
          value={text}
          ref={(element) => element?.select()}
        />
      )}
    </div>
  )
}
