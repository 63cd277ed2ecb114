import { selectConnection, useAppStore } from '../stores/app.js'
import { ATTEMPTS_BEFORE_HINT } from '../transport/connection.js'

/** Says when the engine cannot be reached; silent while the link works. */
export function ConnectionBanner() {
  const connection = useAppStore(selectConnection)
  if (connection.status === 'failed') {
    return (
      <div className="banner banner-error" role="alert">
        <p className="banner-title">Mailwarden cannot connect to its engine</p>
        <p>{connection.reason}</p>
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
