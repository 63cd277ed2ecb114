import { selectConnection, useAppStore } from '../stores/app.js'
import { ATTEMPTS_BEFORE_HINT } from '../transport/connection.js'

/** How to get an address that works: the one the host printed, or a new one. */
function WorkingAddress() {
  return (
    <>
      <p>
        To get a working address, look in the terminal where you ran <code>mailwarden ui</code> (or{' '}
        <code>npm start</code>) for the line “Mailwarden is running at http://127.0.0.1:…/#token=…” and open
        that address, all of it.
      </p>
      <p>
        If that terminal is closed, run <code>mailwarden ui</code> again: it prints a new address and opens
        it.
      </p>
    </>
  )
}

/** Says when the engine cannot be reached, and what to do; silent while the link works. */
export function ConnectionBanner() {
  const connection = useAppStore(selectConnection)
  if (connection.status === 'failed') {
    const title =
      connection.problem === 'no-token'
        ? 'This address lacks its key'
        : connection.problem === 'refused'
          ? 'Mailwarden refused this page’s key'
          : 'Mailwarden cannot connect to its engine'
    return (
      <div className="banner banner-error" role="alert">
        <p className="banner-title">{title}</p>
        <p>{connection.reason}</p>
        {connection.problem && <WorkingAddress />}
      </div>
    )
  }
  if (connection.status === 'reconnecting') {
    return (
      <div className="banner banner-warning" role="status">
        <p className="banner-title">Connection to Mailwarden lost</p>
        <p>
          Trying to reconnect… Changes you make now wait until the connection is back.
          {connection.attempt >= ATTEMPTS_BEFORE_HINT &&
            ' If you restarted “mailwarden ui”, open the new address it printed.'}
        </p>
      </div>
    )
  }
  return null
}

/**
 * What a section says while it waits for the engine's first answer: "Reading …" while the link
 * comes up, and, when it cannot (a page opened without its key), that nothing can be read and
 * why, instead of waiting forever.
 */
export function Loading({ what }: { what: string }) {
  const connection = useAppStore(selectConnection)
  if (connection.status === 'failed')
    return (
      <p className="status-error">
        {what.charAt(0).toUpperCase() + what.slice(1)} cannot be read: this page is not connected to
        Mailwarden (see the message at the top).
      </p>
    )
  return <p className="muted">Reading {what}…</p>
}
