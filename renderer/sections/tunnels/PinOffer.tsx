import { useState } from 'react'
import type { TlsSecurity, TunnelInspectResult } from '../../../shared/contract/index.js'
import { type SeenCertificate, useTunnelsStore } from '../../stores/tunnels.js'

interface Props {
  server: {
    host: string
    port: number
    mode: TlsSecurity
    protocol: 'imap' | 'pop3' | 'smtp'
    caFile: string | null
  }
  pin: string | null
  /** Sets (or removes, null) the pin; an error sentence, or null when it took effect. */
  onPin(pin: string | null): Promise<string | null> | undefined
  /** A certificate already seen (by a probe, by the tunnel's start-time check): offered for
   * pinning with the same consent step as one checked here. */
  observed?: SeenCertificate | null
  /** Who saw `observed`: "The probe", "The tunnel's check". */
  observedBy?: string
  /** On a tunnel's card: no field label or hint, the card says what is wrong. */
  compact?: boolean
}

/**
 * Pinning a self-signed server's key, only with the user's consent after seeing it: check the
 * server, show its certificate and key fingerprint, and pin only when the user says they compared it.
 */
export function PinOffer({ server, pin, onPin, observed = null, observedBy, compact = false }: Props) {
  const inspect = useTunnelsStore((s) => s.inspect)
  const [seen, setSeen] = useState<SeenCertificate | TunnelInspectResult | null>(observed)
  const [seenBy, setSeenBy] = useState<string | null>(observed ? (observedBy ?? null) : null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [compared, setCompared] = useState(false)

  async function pinIt(next: string | null) {
    if (busy) return
    setBusy(true)
    setError(null)
    const failure = (await onPin(next)) ?? null
    setBusy(false)
    if (failure) {
      setError(failure)
      return
    }
    // Pinned: the key is trusted now; the warning and the offer go away.
    setSeen(null)
    setSeenBy(null)
    setCompared(false)
  }

  async function check() {
    if (busy) return
    setBusy(true)
    setError(null)
    setSeen(null)
    setSeenBy(null)
    setCompared(false)
    const result = await inspect(server)
    setBusy(false)
    if (result.ok) setSeen(result.result)
    else setError(result.message)
  }

  // A key already pinned is not offered again.
  const shown = seen && seen.pin !== pin ? seen : null

  return (
    <div className={compact ? 'pin-offer' : 'field pin-offer'}>
      {!compact && <p className="field-label">Server certificate</p>}
      {pin ? (
        <p>
          Trusted by its pinned key <code className="path">{pin}</code>{' '}
          <button type="button" className="button" onClick={() => void pinIt(null)}>
            Remove the pin
          </button>
        </p>
      ) : compact ? null : (
        <p className="field-hint">
          Verified against the system’s authorities (and the CA file, if any). A self-signed server can be
          trusted by pinning its key once you have seen it.
        </p>
      )}
      {!shown && (
        <button type="button" className="button" onClick={() => void check()} disabled={server.host === ''}>
          {busy ? 'Checking…' : 'Check the server’s certificate'}
        </button>
      )}
      <div role="status">
        {shown && (
          <div className={`banner ${shown.verified ? '' : 'banner-warning'}`}>
            <p className="banner-title">
              {seenBy ? `${seenBy} saw this certificate. ` : ''}
              {shown.verified
                ? `${shown.upstream}: the certificate is verified; no pin is needed.`
                : `${shown.upstream}: the certificate is not verified: ${shown.verifyError ?? 'unknown reason'}`}
            </p>
            <dl className="cert-facts">
              <dt>Subject</dt>
              <dd>{shown.certificate.subject}</dd>
              <dt>Issuer</dt>
              <dd>{shown.certificate.issuer}</dd>
              <dt>Valid</dt>
              <dd>
                {shown.certificate.notBefore} to {shown.certificate.notAfter}
              </dd>
              <dt>SHA-256 fingerprint</dt>
              <dd>
                <code className="path">{shown.certificate.fingerprintSha256}</code>
              </dd>
              <dt>Key pin (SPKI SHA-256)</dt>
              <dd>
                <code className="path">{shown.pin}</code>
              </dd>
            </dl>
            {!shown.verified && (
              <>
                <label className="choice">
                  <input type="checkbox" checked={compared} onChange={(e) => setCompared(e.target.checked)} />
                  I compared this fingerprint with the one my administrator gave me, and they match
                </label>
                <button
                  type="button"
                  className="button button-primary"
                  disabled={!compared || busy}
                  onClick={() => void pinIt(shown.pin)}
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
