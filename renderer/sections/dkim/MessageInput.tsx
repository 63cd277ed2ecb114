import { type DragEvent, type FormEvent, useRef, useState } from 'react'
import { fromFile, useDkimStore } from '../../stores/dkim/index.js'

/** Several files dropped at once are verified as a folder. */
function filesOf(event: DragEvent): File[] {
  return Array.from(event.dataTransfer?.files ?? [])
}

/**
 * One message in: a drop zone with a file picker inside it (the keyboard's way to the same
 * thing), and a paste area. Dropping several files verifies them as a folder; a file that is an
 * mbox (not a .eml, and its first line is a real From_ line: "From ", a sender, a date) is verified
 * as one, message by message. Anything else, and every paste, is one message.
 */
export function MessageInput() {
  const openFile = useDkimStore((s) => s.openFile)
  const verifyText = useDkimStore((s) => s.verifyText)
  const verifyFiles = useDkimStore((s) => s.verifyFiles)
  const status = useDkimStore((s) => s.status)
  const [text, setText] = useState('')
  const [pasteError, setPasteError] = useState<string | null>(null)
  const [over, setOver] = useState(false)
  const pasteBox = useRef<HTMLTextAreaElement>(null)

  function drop(event: DragEvent<HTMLFieldSetElement>) {
    event.preventDefault()
    setOver(false)
    const files = filesOf(event)
    const [first] = files
    if (files.length === 1 && first) void openFile(first)
    else if (files.length > 1) void verifyFiles(files.map(fromFile))
  }

  function submitPaste(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (text.trim() === '') {
      // Nothing is sent and the last result stays: say so, where the user is typing.
      const { status: last, name } = useDkimStore.getState()
      setPasteError(
        `The paste box is empty: paste the whole message first (its headers, an empty line, then its body).${
          last === 'done' ? ` The result below is still the one for ${name}.` : ''
        }`,
      )
      pasteBox.current?.focus()
      return
    }
    setPasteError(null)
    void verifyText(text)
  }

  return (
    <section className="card" aria-labelledby="dkim-input-title">
      <h2 id="dkim-input-title">Verify a message</h2>
      <fieldset
        className={`dkim-drop${over ? ' dkim-drop-over' : ''}`}
        onDragOver={(event) => {
          event.preventDefault()
          setOver(true)
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <legend className="dkim-drop-text">Drop a .eml file here, or choose one</legend>
        <label className="field-label" htmlFor="dkim-file">
          Message file
        </label>
        <input
          id="dkim-file"
          type="file"
          accept=".eml,.msg,.txt,.mbox,.mbx,message/rfc822,text/plain,application/mbox"
          onChange={(event) => {
            const file = event.target.files?.[0]
            if (file) void openFile(file)
            event.target.value = ''
          }}
        />
      </fieldset>
      <form noValidate onSubmit={submitPaste} className="dkim-paste">
        <label className="field-label" htmlFor="dkim-paste">
          Or paste the message source
        </label>
        <p className="field-hint" id="dkim-paste-hint">
          The raw message with all its headers (in most mail clients: “View source” or “Show original”).
        </p>
        <textarea
          id="dkim-paste"
          className="dkim-textarea"
          rows={8}
          spellCheck={false}
          value={text}
          aria-describedby={pasteError ? 'dkim-paste-hint dkim-paste-error' : 'dkim-paste-hint'}
          aria-invalid={pasteError ? true : undefined}
          ref={pasteBox}
          onChange={(event) => {
            setText(event.target.value)
            setPasteError(null)
          }}
        />
        {pasteError && (
          <p className="field-error" id="dkim-paste-error" role="alert">
            {pasteError}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button button-primary">
            Verify pasted message
          </button>
          {status === 'verifying' && (
            <span className="muted" role="status">
              Verifying…
            </span>
          )}
        </div>
      </form>
    </section>
  )
}
