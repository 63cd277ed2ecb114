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

/** Title and explanation per known problem: the transport's reason repeats its title, which the
 * banner shows in bold already (the reason stands alone where a section quotes it). */
const PROBLEM_WORDS = {
  'no-token': {
    title: 'This address lacks its key',
    detail:
      'The address that “mailwarden ui” (or “npm start”) printed ends in #token=… and this one does not, so Mailwarden cannot let this page in.',
  },
  refused: {
    title: 'Mailwarden refused this page’s key',
    detail: 'Most likely Mailwarden was restarted since this page was opened; each start makes a new key.',
  },
} as const

/** Says when the engine cannot be reached, and what to do; silent while the link works. */
export function ConnectionBanner() {
  const connection = useAppStore(selectConnection)
  if (connection.status === 'failed') {
    const words = connection.problem ? PROBLEM_WORDS[connection.problem] : null
    return (
      <div className="banner banner-error" role="alert">
        <p className="banner-title">{words?.title ?? 'Mailwarden cannot connect to its engine'}</p>
        <p>{words?.detail ?? connection.reason}</p>
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
