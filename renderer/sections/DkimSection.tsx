import '../styles/dkim.css'
import { Section } from '../components/Section.js'
import { useDkimStore } from '../stores/dkim/index.js'
import { FolderInput } from './dkim/FolderInput.js'
import { MessageInput } from './dkim/MessageInput.js'
import { Report } from './dkim/Report.js'
import { VerifyOptions } from './dkim/VerifyOptions.js'

/**
 * Verify DKIM locally: one message (pasted, dropped or opened) with a report per signature, or a
 * folder with a sortable summary. Only the key lookups leave the machine, and not even those when
 * keys are given.
 */
export function DkimSection() {
  const status = useDkimStore((s) => s.status)
  const report = useDkimStore((s) => s.report)
  const error = useDkimStore((s) => s.error)
  const name = useDkimStore((s) => s.name)
  const via = useDkimStore((s) => s.via)

  return (
    <Section title="DKIM">
      <p className="section-intro">
        Check whether the domain that signed a received message really did, signature by signature. The
        message never leaves this computer; only the signing keys are looked up in DNS.
      </p>
      <VerifyOptions />
      <MessageInput />
      {status === 'verifying' && (
        <p className="card muted">
          Verifying {name}
          {via === 'upload' ? ' (sent as an upload)' : ''}…
        </p>
      )}
      {status === 'failed' && error && (
        <div className="banner banner-error" role="alert">
          <p className="banner-title">{name} could not be verified</p>
          <p>{error}</p>
        </div>
      )}
      {status === 'done' && report && <Report report={report} name={name} uploaded={via === 'upload'} />}
      <FolderInput />
    </Section>
  )
}
