import type { EndpointReport } from '../../../shared/contract/index.js'
import { useNavigationStore } from '../../stores/navigation.js'
import { useTunnelsStore } from '../../stores/tunnels.js'
import { PROTOCOL_NAMES } from './words.js'

/**
 * "Create a tunnel for this server": hands the endpoint to the Tunnels form, which the user still
 * confirms. A self-signed server is pinned only there, after the user has seen its key.
 */
export function TunnelFromProbe({ endpoint }: { endpoint: EndpointReport }) {
  const offerDraft = useTunnelsStore((s) => s.offerDraft)
  const go = useNavigationStore((s) => s.go)
  if (endpoint.security !== 'implicit-tls' && endpoint.security !== 'starttls') return null
  return (
    <p>
      <button
        type="button"
        className="button"
        onClick={() => {
          offerDraft({
            name: `${PROTOCOL_NAMES[endpoint.protocol]} ${endpoint.host}`.slice(0, 100),
            protocol: endpoint.protocol,
            upstreamHost: endpoint.host,
            upstreamPort: endpoint.port,
            mode: endpoint.security === 'implicit-tls' ? 'implicit' : 'starttls',
          })
          go('tunnels')
        }}
      >
        Create a tunnel for this server
      </button>{' '}
      <span className="muted small">for a mail client that cannot use TLS itself</span>
    </p>
  )
}
