import { Loading } from '../../components/ConnectionBanner.js'
import { selectInfoError, selectKeychain, useAppStore } from '../../stores/app.js'
import { SecretList } from './SecretList.js'
import { StoreSecretForm } from './StoreSecretForm.js'

/** Ends a text with one full stop: the engine's reasons sometimes bring their own. */
function sentence(text: string): string {
  const trimmed = text.trim()
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

/** Passwords in the OS keychain: its status, a form to store one, and the accounts stored. */
export function PasswordsSettings() {
  const keychain = useAppStore(selectKeychain)
  const infoError = useAppStore(selectInfoError)
  return (
    <section className="card" aria-labelledby="passwords-title">
      <h2 id="passwords-title">Passwords</h2>
      {keychain === null ? (
        infoError ? (
          <p className="status-error" role="alert">
            The keychain’s status is unknown: {infoError}
          </p>
        ) : (
          <Loading what="the keychain’s status" />
        )
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
          {/* The engine's reason is a whole sentence (it already says passwords never go to a file). */}
          <p>
            {keychain.backend}: {sentence(keychain.reason ?? 'no reason was given')}
          </p>
          <p>
            Until it works, accounts are saved without a password, and “Test login” asks for the password each
            time without keeping it.
          </p>
        </div>
      )}
    </section>
  )
}
