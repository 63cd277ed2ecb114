import type { EndpointReport } from '../../../shared/contract/index.js'
import { PROTOCOL_WORDS } from '../../../shared/contract/mail.js'
import { useNavigationStore } from '../../stores/navigation.js'
import { useTunnelsStore } from '../../stores/tunnels.js'

/**
 * "Create a tunnel for this server": hands the endpoint to the Tunnels form, which the user still
 * confirms. A certificate the probe could not verify goes along as an offer: the form shows its
 * fingerprint and pins its key only after the user says they compared it.
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
          const cert = endpoint.tls?.certificate ?? null
          const problem = !cert
            ? null
            : !cert.trusted
              ? (cert.trustProblem ?? 'not trusted')
              : cert.hostnameMatch
                ? null
                : `not for ${endpoint.host}`
          offerDraft(
            {
              name: `${PROTOCOL_WORDS[endpoint.protocol]} ${endpoint.host}`.slice(0, 100),
              protocol: endpoint.protocol,
              upstreamHost: endpoint.host,
              upstreamPort: endpoint.port,
              mode: endpoint.security === 'implicit-tls' ? 'implicit-tls' : 'starttls',
            },
            cert && problem
              ? {
                  upstream: `${endpoint.host}:${endpoint.port}`,
                  certificate: cert,
                  pin: cert.spkiSha256,
                  verified: false,
                  verifyError: problem,
                }
              : null,
          )
          go('tunnels')
        }}
      >
        Create a tunnel for this server
      </button>{' '}
      <span className="muted small">for a mail client that cannot use TLS itself</span>
    </p>
  )
}
