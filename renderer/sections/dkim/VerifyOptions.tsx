import { useDkimStore } from '../../stores/dkim/index.js'

/** What every verification here takes: a date to judge expiry against, and keys instead of DNS. */
export function VerifyOptions() {
  const options = useDkimStore((s) => s.options)
  const setOptions = useDkimStore((s) => s.setOptions)
  return (
    <details className="card dkim-options">
      <summary>Options: as of a date, keys instead of DNS</summary>
      <div className="field">
        <label className="field-label" htmlFor="dkim-as-of">
          Verify as of
        </label>
        <p className="field-hint" id="dkim-as-of-hint">
          Judges expiry on that day (UTC). Empty: as of the time the message was received.
        </p>
        <input
          id="dkim-as-of"
          type="date"
          className="input-short"
          aria-describedby="dkim-as-of-hint"
          value={options.asOf}
          onChange={(event) => setOptions({ asOf: event.target.value })}
        />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="dkim-keys">
          Key records
        </label>
        <p className="field-hint" id="dkim-keys-hint">
          For archived or offline keys: one per line, the record’s name, a space, then its text (for example{' '}
          <code>sel._domainkey.example.org v=DKIM1; k=rsa; p=…</code>). Used for a folder and an mbox too.
          Empty: keys come from DNS.
        </p>
        <textarea
          id="dkim-keys"
          className="dkim-textarea"
          rows={3}
          spellCheck={false}
          aria-describedby="dkim-keys-hint"
          value={options.keys}
          onChange={(event) => setOptions({ keys: event.target.value })}
        />
      </div>
    </details>
  )
}
