import '../styles/probe.css'
import { CLIENTS } from '../../shared/knowledge/clients.js'
import { Section } from '../components/Section.js'
import { selectMailClient, useSettingsStore } from '../stores/settings.js'
import { ProbeForm } from './probe/ProbeForm.js'
import { ProbeProgress } from './probe/ProbeProgress.js'
import { ProbeResults } from './probe/ProbeResults.js'
import { SavedAccounts } from './probe/SavedAccounts.js'

/** Probe: type an address, watch each server port being checked, read what to set in your client. */
export function ProbeSection() {
  const client = CLIENTS[useSettingsStore(selectMailClient)]
  return (
    <Section title="Probe">
      <p className="section-intro">
        Check a mail account’s servers: Mailwarden finds the incoming and outgoing servers (IMAP, POP3, SMTP),
        connects to each, and explains whether the connection is encrypted, whether the certificate holds, and
        what to choose in your mail client. It never sends a password while probing.
      </p>
      <p className="section-intro">
        Advice uses {client.name}’s words (change the mail client in Settings): implicit TLS is “
        {client.implicitTls}” in {client.name}
        {client.startTls ? <>, STARTTLS is “{client.startTls}”.</> : <>, which has no STARTTLS choice.</>}
      </p>
      <ProbeForm />
      <ProbeProgress />
      <ProbeResults />
      <SavedAccounts />
    </Section>
  )
}
