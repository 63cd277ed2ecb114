import { ComingSoon } from '../components/ComingSoon.js'
import { Section } from '../components/Section.js'

export function TunnelsSection() {
  return (
    <Section title="Tunnels">
      <ComingSoon
        summary={
          <>
            Keep an old mail client working safely: a tunnel lets a client that cannot speak modern TLS
            connect to this computer only, while Mailwarden carries the connection to the real server over
            verified TLS.
          </>
        }
        steps={[
          'A listener on 127.0.0.1 that your old client uses as its server; the unencrypted part never leaves this computer.',
          'Implicit TLS or STARTTLS towards the real server, with its certificate checked against the system’s authorities, a CA file or a pinned fingerprint.',
          'Statistics and a log for each tunnel, with passwords removed.',
        ]}
      />
    </Section>
  )
}
