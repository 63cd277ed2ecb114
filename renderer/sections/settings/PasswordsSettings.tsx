import { selectInfoError, selectKeychain, useAppStore } from '../../stores/app.js'
import { SecretList } from './SecretList.js'
import { StoreSecretForm } from './StoreSecretForm.js'

/** Passwords in the OS keychain: its status, a form to store one, and the accounts stored. */
export function PasswordsSettings() {
  const keychain = useAppStore(selectKeychain)
  const infoError = useAppStore(selectInfoError)
  return (
    <section className="card" aria-labelledby="passwords-title">
      <h2 id="passwords-title">Passwords</h2>
      {keychain === null ? (
        <p className={infoError ? 'status-error' : 'muted'} role={infoError ? 'alert' : undefined}>
          {infoError ? `The keychain’s status is unknown: ${infoError}` : 'Checking the keychain…'}
        </p>
      ) : keychain.available ? (
        <>
          <p className="section-intro">
            Passwords for your mail accounts are kept in your system’s keychain, never in a file. Mailwarden
            uses them to log in when it checks a server or runs a tunnel.
          </p>
          <p className="muted small">Keychain in use: {keychain.backend}.</p>
          <StoreSecretForm />
          <SecretList />
        </>
      ) : (
        <div className="banner banner-warning" role="status">
          <p className="banner-title">The keychain is not available</p>
          <p>
            {keychain.backend}: {keychain.reason ?? 'no reason was given'}.
          </p>
          <p>
            Mailwarden keeps passwords only in your system’s keychain and refuses to store them in a file, so
            it cannot store passwords until the keychain works.
          </p>
        </div>
      )}
    </section>
  )
}
