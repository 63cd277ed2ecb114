import type { FormEvent } from 'react'
import { TextField } from '../../components/TextField.js'
import { useDomainCheckStore } from '../../stores/domain-check.js'

const PHASE_WORDS = {
  records: 'Reading the DKIM, SPF and DMARC records and connecting to the mail servers on port 25…',
  dane: 'Checking DANE (the TLSA records of the mail servers)…',
} as const

export function CheckForm() {
  const domain = useDomainCheckStore((s) => s.domain)
  const selectors = useDomainCheckStore((s) => s.selectors)
  const skipMx = useDomainCheckStore((s) => s.skipMx)
  const status = useDomainCheckStore((s) => s.status)
  const phase = useDomainCheckStore((s) => s.phase)
  const set = useDomainCheckStore.getState()

  function submit(event: FormEvent) {
    event.preventDefault()
    void set.start()
  }

  const running = status === 'running'
  return (
    <form className="domain-form" onSubmit={submit} aria-label="Check a domain">
      <TextField
        label="Domain"
        hint="Your own domain, e.g. example.com."
        value={domain}
        onChange={set.setDomain}
        verbatim
        maxLength={253}
      />
      <TextField
        label="DKIM selectors (optional)"
        hint="Separated by spaces or commas. Empty: the common ones are tried."
        value={selectors}
        onChange={set.setSelectors}
        verbatim
        maxLength={400}
      />
      <label className="choice">
        <input type="checkbox" checked={skipMx} onChange={(e) => set.setSkipMx(e.target.checked)} />
        Only the DNS records (do not connect to the mail servers)
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={running}>
          {running ? 'Checking…' : 'Check the domain'}
        </button>
        {running && (
          <button type="button" className="button" onClick={() => void set.cancel()}>
            Cancel
          </button>
        )}
      </div>
      <p role="status" className="small">
        {running && phase ? PHASE_WORDS[phase] : status === 'cancelled' ? 'Cancelled.' : ''}
      </p>
    </form>
  )
}
