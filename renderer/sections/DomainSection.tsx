import '../styles/domain.css'
import { Section } from '../components/Section.js'
import { useKeygenStore } from '../stores/domain-keygen.js'
import { KeygenForm } from './domain/KeygenForm.js'
import { KeygenResult } from './domain/KeygenResult.js'

/** The administrator's side: a DKIM key for your own domain (and, next, a check of the domain). */
export function DomainSection() {
  const status = useKeygenStore((s) => s.status)
  const result = useKeygenStore((s) => s.result)
  const error = useKeygenStore((s) => s.error)
  return (
    <Section title="Your domain">
      <p className="section-intro">
        For the person who runs a mail server: make a DKIM key for your domain, with the DNS record to publish
        and the lines your signer needs.
      </p>
      <section className="card" aria-labelledby="keygen-title">
        <h2 id="keygen-title">Make a DKIM key</h2>
        {result && status === 'done' ? <KeygenResult result={result} /> : <KeygenForm />}
        {error && (
          <div className="banner banner-error" role="alert">
            <p className="banner-title">No key was made</p>
            <p>{error}</p>
          </div>
        )}
      </section>
    </Section>
  )
}
