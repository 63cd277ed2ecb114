import { MAIL_CLIENTS } from '../../shared/knowledge/mail-clients.js'
import { ComingSoon } from '../components/ComingSoon.js'
import { Section } from '../components/Section.js'
import { selectMailClient, useSettingsStore } from '../stores/settings.js'

export function ProbeSection() {
  const words = MAIL_CLIENTS[useSettingsStore(selectMailClient)]
  return (
    <Section title="Probe">
      <ComingSoon
        summary={
          <>
            Check your mail account’s server settings: Mailwarden connects to your incoming and outgoing mail
            servers (IMAP, POP3, SMTP) and explains every setting it finds.
          </>
        }
        steps={[
          <>
            Whether each port uses implicit TLS (“{words.implicitTls}” in {words.name}), STARTTLS (“
            {words.startTls}”) or no encryption at all.
          </>,
          'Whether the server’s certificate is trusted, issued for this server and in date, and which TLS versions it accepts.',
          'Whether your password could be sent before the connection is encrypted.',
          <>
            What to choose in {words.name}: {words.where}.
          </>,
        ]}
      />
    </Section>
  )
}
