import { Fragment } from 'react'
// The probe's vocabulary in the UI: protocol and security names, the clients a user can pick, and
// the explainer's advice for one endpoint in one client's words (shared/knowledge, as the CLI).
import type { EndpointReport, MailClientId, ProbeSecurity } from '../../../shared/contract/index.js'
import { CLIENTS } from '../../../shared/knowledge/clients.js'
import { adviceFor, type ClientAdvice } from '../../../shared/knowledge/explain.js'
import { plural } from '../../components/plural.js'

export const SECURITY_NAMES: Record<ProbeSecurity, string> = {
  'implicit-tls': 'Implicit TLS',
  starttls: 'STARTTLS',
  plaintext: 'No encryption',
  unreachable: 'Not reachable',
}

export function clientName(client: MailClientId): string {
  return CLIENTS[client].name
}

/** What to choose in `client` for this endpoint (the explainer reads only facts the probe found). */
export function advise(endpoint: EndpointReport, client: MailClientId): ClientAdvice {
  return adviceFor(client, endpoint)
}

/** One line that says what matters most about an endpoint: its worst finding, or that all is well. */
export function verdictLine(endpoint: EndpointReport): string {
  const [first, ...rest] = endpoint.findings
  if (!first) return 'Nothing to change here.'
  const more = rest.filter((f) => f.severity !== 'info').length
  return more > 0 ? `${first.title} (and ${plural(more, 'more finding')}).` : `${first.title}.`
}

/** A host name that may wrap after each dot rather than mid-label ("selfsigned.lab.|test"). */
export function HostName({ host }: { host: string }) {
  const labels = host.split('.')
  return (
    <>
      {labels.map((label, index) => (
        // Labels of one name in their order: the position is the identity.
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list
        <Fragment key={index}>
          {label}
          {index < labels.length - 1 && (
            <>
              .<wbr />
            </>
          )}
        </Fragment>
      ))}
    </>
  )
}
