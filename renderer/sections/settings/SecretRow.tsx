import { type FocusEvent, useEffect, useRef, useState } from 'react'
import { errorMessage } from '../../client.js'
import { readSecret, useSecretsStore } from '../../stores/secrets.js'

/** A shown password hides itself after this long, in case the screen is left unattended. */
const REVEAL_MS = 30_000

interface Props {
  account: string
  onDeleted(): void
}

/** One stored account: Show reads the password back into this row only; Delete asks first. */
export function SecretRow({ account, onDeleted }: Props) {
  const remove = useSecretsStore((s) => s.remove)
  const [revealed, setRevealed] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const cancelButton = useRef<HTMLButtonElement>(null)

  useHideAfterwards(revealed !== null, () => setRevealed(null))

  useEffect(() => {
    if (confirming) cancelButton.current?.focus()
  }, [confirming])

  // Buttons are not disabled while busy: disabling the focused button would drop focus to the page.
  async function show() {
    if (busy) return
    setError(null)
    setBusy(true)
    try {
      const secret = await readSecret(account)
      if (secret === null) setError(`No password is stored for ${account} any more.`)
      setRevealed(secret)
    } catch (caught) {
      setError(errorMessage(caught))
    } finally {
      setBusy(false)
    }
  }

  async function confirmDelete() {
    if (busy) return
    setBusy(true)
    setRevealed(null)
    const result = await remove(account)
    setBusy(false)
    if (result.ok) return onDeleted()
    setConfirming(false)
    setError(result.message)
  }

  // Leaving the row (by Tab or by clicking elsewhere) hides the password.
  function onBlur(event: FocusEvent<HTMLLIElement>) {
    if (!event.currentTarget.contains(event.relatedTarget)) setRevealed(null)
  }

  return (
    <li className="item-row secret-row" onBlur={onBlur}>
      <div className="item-main">
        <span className="secret-account">{account}</span>
        {confirming ? (
          <span className="secret-actions">
            <span className="confirm-text">Delete this password from the keychain?</span>
            <button type="button" className="button button-danger" onClick={confirmDelete}>
              Delete<span className="visually-hidden"> the password for {account}</span>
            </button>
            <button type="button" className="button" ref={cancelButton} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <span className="secret-actions">
            <button
              type="button"
              className="button"
              aria-expanded={revealed !== null}
              onClick={() => (revealed === null ? void show() : setRevealed(null))}
            >
              {revealed === null ? 'Show' : 'Hide'}
              <span className="visually-hidden"> the password for {account}</span>
            </button>
            <button type="button" className="button" onClick={() => setConfirming(true)}>
              Delete<span className="visually-hidden"> the password for {account}</span>
            </button>
          </span>
        )}
      </div>
      {revealed !== null && (
        <input
          className="secret-value"
          type="text"
          readOnly
          autoComplete="off"
          spellCheck={false}
          aria-label={`Password for ${account}`}
          value={revealed}
        />
      )}
      {error && (
        <p className="status-error" role="alert">
          {error}
        </p>
      )}
    </li>
  )
}

/** Hides a shown password after REVEAL_MS, or as soon as the window loses focus. */
function useHideAfterwards(shown: boolean, hide: () => void): void {
  const hideRef = useRef(hide)
  hideRef.current = hide
  useEffect(() => {
    if (!shown) return
    const timer = setTimeout(() => hideRef.current(), REVEAL_MS)
    const onWindowBlur = () => hideRef.current()
    window.addEventListener('blur', onWindowBlur)
    return () => {
      clearTimeout(timer)
      window.removeEventListener('blur', onWindowBlur)
    }
  }, [shown])
}
