import { useRef } from 'react'
import { Loading } from '../../components/ConnectionBanner.js'
import {
  selectAccounts,
  selectSecretsLoadError,
  selectSecretsLoaded,
  useSecretsStore,
} from '../../stores/secrets.js'
import { SecretRow } from './SecretRow.js'

/** The accounts with a stored password: names only, each with Show and Delete. */
export function SecretList() {
  const accounts = useSecretsStore(selectAccounts)
  const loaded = useSecretsStore(selectSecretsLoaded)
  const loadError = useSecretsStore(selectSecretsLoadError)
  const heading = useRef<HTMLHeadingElement>(null)

  return (
    <div className="subsection">
      <h3 id="stored-title" ref={heading} tabIndex={-1}>
        Stored passwords
      </h3>
      {loadError ? (
        <p className="status-error" role="alert">
          The list of stored passwords could not be read: {loadError}
        </p>
      ) : !loaded ? (
        <Loading what="the keychain" />
      ) : accounts.length === 0 ? (
        <p className="muted">No passwords stored yet.</p>
      ) : (
        <ul className="item-list" aria-labelledby="stored-title">
          {accounts.map((account) => (
            // After a delete the row is gone; focus goes to the heading instead of the page's top.
            <SecretRow key={account} account={account} onDeleted={() => heading.current?.focus()} />
          ))}
        </ul>
      )}
    </div>
  )
}
