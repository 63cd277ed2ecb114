import { useState } from 'react'

interface Props {
  text: string
  /** Said to screen readers after the label: what is copied ("for imap.example.org:993"). */
  what: string
  label?: string
  /** The status once copied. */
  copiedText?: string
  className?: string
}

/** Copies `text`; where the clipboard is refused, shows it selected for a manual copy. */
export function CopyText({
  text,
  what,
  label = 'Copy',
  copiedText = 'Copied.',
  className = 'copy-text',
}: Props) {
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
    <div className={className}>
      <button type="button" className="button" onClick={() => void copy()}>
        {label}
        <span className="visually-hidden"> {what}</span>
      </button>
      <span role="status" className="status-ok small">
        {state === 'copied' && copiedText}
      </span>
      {state === 'manual' && (
        <textarea
          className="copy-manual"
          readOnly
          rows={5}
          aria-label={`${label} ${what}: the text to copy`}
          value={text}
          ref={(element) => element?.select()}
        />
      )}
    </div>
  )
}
