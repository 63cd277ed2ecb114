import { CopyText } from '../../components/CopyText.js'
import type { SignIn } from '../../stores/oauth.js'
import { useOAuthStore } from '../../stores/oauth.js'
import { clockTime } from './oauth-words.js'

/** What the running sign-in asks of the user, and how it ended. */
export function SignInStep({ signIn, address }: { signIn: SignIn; address: string }) {
  const cancel = useOAuthStore((s) => s.cancelSignIn)
  const dismiss = useOAuthStore((s) => s.dismissSignIn)
  const step = signIn.step
  if (signIn.status !== 'running')
    return (
      <div className={`sign-in-step ${signIn.status === 'done' ? 'sign-in-done' : 'banner banner-warning'}`}>
        <p role="status">
          {signIn.status === 'done' && `Signed in as ${address}.`}
          {signIn.status === 'cancelled' && 'The sign-in was cancelled.'}
          {signIn.status === 'failed' && `The sign-in failed: ${signIn.error ?? 'no reason given'}`}{' '}
          <button type="button" className="button" onClick={dismiss}>
            OK
          </button>
        </p>
      </div>
    )
  return (
    <div className="sign-in-step banner">
      {step === null && <p role="status">Starting the sign-in…</p>}
      {step?.phase === 'open-browser' && (
        <>
          <p role="status">
            The provider’s sign-in page opened in your browser. Sign in there as {address} and allow access;
            this updates by itself.
          </p>
          <p className="small">
            Nothing opened?{' '}
            <a href={step.url} target="_blank" rel="noreferrer noopener">
              Open the sign-in page
            </a>
          </p>
        </>
      )}
      {step?.phase === 'device-code' && (
        <>
          <p role="status">
            On any device, open{' '}
            <a
              href={step.verificationUriComplete ?? step.verificationUri}
              target="_blank"
              rel="noreferrer noopener"
            >
              {step.verificationUri}
            </a>{' '}
            and enter this code, then sign in as {address}:
          </p>
          <p className="user-code">
            <span className="visually-hidden">Code to enter: </span>
            {step.userCode}
          </p>
          <CopyText text={step.userCode} what="the sign-in code" label="Copy code" />
          <p className="small muted">The code works until {clockTime(step.expiresAt)}.</p>
        </>
      )}
      <button type="button" className="button" onClick={() => void cancel()}>
        Cancel sign-in
      </button>
    </div>
  )
}
