import { useState } from 'react'
import type { TunnelState, UpstreamCheck } from '../../../shared/contract/index.js'
import { TUNNEL_FINDINGS } from '../../../shared/knowledge/tunnel-findings.js'
import { TextField } from '../../components/TextField.js'
import { useTunnelsStore } from '../../stores/tunnels.js'
import { PinOffer } from './PinOffer.js'
import { upstreamAddress } from './words.js'

interface Props {
  state: TunnelState & { check: UpstreamCheck }
  onEdit(): void
}

/**
 * A listening tunnel whose start-time check did not verify its server: what is wrong, what it
 * means, and the fixes the finding names (pin after comparing, a CA file, the right host), each
 * applied to the running tunnel at once.
 */
export function ServerCheck({ state, onEdit }: Props) {
  const { config, check } = state
  const update = useTunnelsStore((s) => s.update)
  const [caFile, setCaFile] = useState(config.caFile ?? '')
  const [caError, setCaError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  if (!check.reason) return null
  const finding = TUNNEL_FINDINGS[check.reason]
  const titleId = `tunnel-check-${config.id}`
  const upstream = upstreamAddress(config)

  async function applyCaFile() {
    if (busy) return
    if (caFile.trim() === '') {
      setCaError('Enter the path of a PEM file.')
      return
    }
    setBusy(true)
    setCaError(null)
    const result = await update(config.id, { caFile: caFile.trim(), pin: null })
    setBusy(false)
    if (!result.ok) setCaError(result.message)
  }

  return (
    <section className="banner banner-warning tunnel-check" aria-labelledby={titleId}>
      <h3 id={titleId} className="banner-title">
        {check.state === 'unreachable' ? 'Cannot reach' : 'Cannot verify'} {upstream}: {finding.title}
      </h3>
      <p>{finding.meaning} Every connection through this tunnel is refused until this is fixed.</p>
      {/* With a certificate to compare, the offer below says the detail with it. */}
      {check.detail && !(finding.actions.includes('pin') && check.certificate) && (
        <p className="small tunnel-check-detail">{check.detail}</p>
      )}
      <p>
        <strong>What to do:</strong> {finding.fix}
      </p>
      {finding.actions.includes('pin') && check.certificate && (
        <PinOffer
          // A new check (another key, after a restart) is a new offer, not the last one's state.
          key={check.checkedAt ?? ''}
          compact
          server={{
            host: config.upstreamHost,
            port: config.upstreamPort,
            mode: config.mode,
            protocol: config.protocol,
            caFile: config.caFile,
          }}
          pin={null}
          observed={{
            upstream,
            certificate: check.certificate,
            pin: check.certificate.spkiSha256,
            verified: false,
            verifyError: check.detail ?? finding.title,
          }}
          observedBy="The tunnel’s check"
          onPin={async (pin) => {
            const result = await update(config.id, { pin })
            return result.ok ? null : result.message
          }}
        />
      )}
      {finding.actions.includes('ca') && (
        <div className="tunnel-check-ca">
          <TextField
            label="CA file"
            hint="The PEM file of the authority that signed the server’s certificate."
            error={caError}
            value={caFile}
            onChange={setCaFile}
            verbatim
          />
          <button type="button" className="button" onClick={() => void applyCaFile()}>
            {busy ? 'Checking…' : 'Use this CA file'}
          </button>
        </div>
      )}
      {finding.actions.includes('host') && (
        <p>
          <button type="button" className="button" onClick={onEdit}>
            Correct the server name or port…
          </button>
        </p>
      )}
    </section>
  )
}
