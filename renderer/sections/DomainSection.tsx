import '../styles/domain.css'
import { Section } from '../components/Section.js'
import { useDomainCheckStore } from '../stores/domain-check.js'
import { useKeygenStore } from '../stores/domain-keygen.js'
import { CheckForm } from './domain/CheckForm.js'
import { CheckReport } from './domain/CheckReport.js'
import { KeygenForm } from './domain/KeygenForm.js'
import { KeygenResult } from './domain/KeygenResult.js'

/** The administrator's side: a check of your own domain, and a DKIM key for it. */
export function DomainSection() {
  const status = useKeygenStore((s) => s.status)
  const result = useKeygenStore((s) => s.result)
  const error = useKeygenStore((s) => s.error)
  const check = useDomainCheckStore((s) => s.report)
  const checkStatus = useDomainCheckStore((s) => s.status)
  const checkError = useDomainCheckStore((s) => s.error)
  return (
    <Section title="Your domain">
      <p className="section-intro">
        For the person who runs a mail server: check your domain as receivers see it (DKIM keys, SPF, DMARC,
        the mail servers with MTA-STS and DANE), and make a DKIM key with the DNS record to publish and the
        lines your signer needs.
      </p>
      <section className="card" aria-labelledby="check-title">
        <h2 id="check-title">Check a domain</h2>
        <CheckForm />
        {checkError && checkStatus === 'failed' && (
          <div className="banner banner-error" role="alert">
            <p className="banner-title">The check did not finish</p>
            <p>{checkError}</p>
          </div>
        )}
        {check && checkStatus === 'done' && <CheckReport report={check} />}
      </section>
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
