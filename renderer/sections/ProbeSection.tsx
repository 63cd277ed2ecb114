import '../styles/probe.css'
import { CLIENTS } from '../../shared/knowledge/clients.js'
import { clientWords } from '../../shared/knowledge/mail-clients.js'
import { Section } from '../components/Section.js'
import { useAdviceClient } from '../stores/probe-form.js'
import { selectMailClient, useSettingsStore } from '../stores/settings.js'
import { ProbeForm } from './probe/ProbeForm.js'
import { ProbeProgress } from './probe/ProbeProgress.js'
import { ProbeResults } from './probe/ProbeResults.js'
import { SavedAccounts } from './probe/SavedAccounts.js'

/** Probe: type an address, watch each server port being checked, read what to set in your client. */
export function ProbeSection() {
  // The client the results are in (picked on this page, else the Settings' one): the intro says the same.
  const id = useAdviceClient(useSettingsStore(selectMailClient))
  const client = CLIENTS[id]
  return (
    <Section title="Probe">
      <p className="section-intro">
        Check a mail account’s servers: Mailwarden finds the incoming and outgoing servers (IMAP, POP3, SMTP),
        connects to each, and explains whether the connection is encrypted, whether the certificate holds, and
        what to choose in your mail client. It never sends a password while probing.
      </p>
      <p className="section-intro">
        Advice uses {clientWords(id)} (pick another client with the results, or in Settings):{' '}
        {id === 'generic' ? (
          <>
            implicit TLS is usually called {client.implicitTls}, and STARTTLS {client.startTls}.
          </>
        ) : (
          <>
            implicit TLS is “{client.implicitTls}” in {client.name}
            {client.startTls ? <>, STARTTLS is “{client.startTls}”.</> : <>, which has no STARTTLS choice.</>}
          </>
        )}
      </p>
      <ProbeForm />
      <ProbeProgress />
      <ProbeResults />
      <SavedAccounts />
    </Section>
  )
}
