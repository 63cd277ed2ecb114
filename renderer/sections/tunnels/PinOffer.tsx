import { useState } from 'react'
import type { TunnelInspectResult } from '../../../shared/contract/index.js'
import { useTunnelsStore } from '../../stores/tunnels.js'

interface Props {
  server: {
    host: string
    port: number
    mode: 'implicit' | 'starttls'
    protocol: 'imap' | 'pop3' | 'smtp'
    caFile: string | null
  }
  pin: string | null
  onPin(pin: string | null): void
}

/**
 * Pinning a self-signed server's key, only with the user's consent after seeing it: check the
 * server, show its certificate and key fingerprint, and pin only when the user says they compared it.
 */
export function PinOffer({ server, pin, onPin }: Props) {
  const inspect = useTunnelsStore((s) => s.inspect)
  const [seen, setSeen] = useState<TunnelInspectResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [compared, setCompared] = useState(false)

  async function check() {
    if (busy) return
    setBusy(true)
    setError(null)
    setSeen(null)
    setCompared(false)
    const result = await inspect(server)
    setBusy(false)
    if (result.ok) setSeen(result.result)
    else setError(result.message)
  }

  return (
    <div className="field pin-offer">
      <p className="field-label">Server certificate</p>
      {pin ? (
        <p>
          Trusted by its pinned key <code className="path">{pin}</code>{' '}
          <button type="button" className="button" onClick={() => onPin(null)}>
            Remove the pin
          </button>
        </p>
      ) : (
        <p className="field-hint">
          Verified against the system’s authorities (and the CA file, if any). A self-signed server can be
          trusted by pinning its key once you have seen it.
        </p>
      )}
      <button type="button" className="button" onClick={() => void check()} disabled={server.host === ''}>
        {busy ? 'Checking…' : 'Check the server’s certificate'}
      </button>
      <div role="status">
        {seen && (
          <div className={`banner ${seen.verified ? '' : 'banner-warning'}`}>
            <p className="banner-title">
              {seen.verified
                ? `${seen.upstream}: the certificate is verified; no pin is needed.`
                : `${seen.upstream}: the certificate is not verified: ${seen.verifyError ?? 'unknown reason'}`}
            </p>
            <dl className="cert-facts">
              <dt>Subject</dt>
              <dd>{seen.certificate.subject}</dd>
              <dt>Issuer</dt>
              <dd>{seen.certificate.issuer}</dd>
              <dt>Valid</dt>
              <dd>
                {seen.certificate.notBefore} to {seen.certificate.notAfter}
              </dd>
              <dt>SHA-256 fingerprint</dt>
              <dd>
                <code className="path">{seen.certificate.fingerprintSha256}</code>
              </dd>
              <dt>Key pin (SPKI SHA-256)</dt>
              <dd>
                <code className="path">{seen.pin}</code>
              </dd>
            </dl>
            {!seen.verified && (
              <>
                <label className="choice">
                  <input type="checkbox" checked={compared} onChange={(e) => setCompared(e.target.checked)} />
                  I compared this fingerprint with the one my administrator gave me, and they match
                </label>
                <button
                  type="button"
                  className="button button-primary"
                  disabled={!compared}
                  onClick={() => onPin(seen.pin)}
                >
                  Trust this key (pin it)
                </button>
              </>
            )}
          </div>
        )}
      </div>
      <p role="alert" className="status-error">
        {error}
      </p>
    </div>
  )
}
