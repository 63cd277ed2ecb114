import { useState } from 'react'
import type { TunnelState, TunnelStats } from '../../../shared/contract/index.js'
import { PROTOCOL_WORDS } from '../../../shared/contract/mail.js'
import { MAIL_CLIENTS } from '../../../shared/knowledge/mail-clients.js'
import { ConfirmDelete } from '../../components/ConfirmDelete.js'
import { selectMailClient, useSettingsStore } from '../../stores/settings.js'
import { useTunnelsStore } from '../../stores/tunnels.js'
import { ConnectionLog } from './ConnectionLog.js'
import { ServerCheck } from './ServerCheck.js'
import { TunnelOAuth, useTunnelNeedsSignIn } from './TunnelOAuth.js'
import { bytes, localAddress, modeWords, statusWords, upstreamAddress } from './words.js'

interface Props {
  state: TunnelState
  onEdit(): void
}

/** One tunnel: status in words, the route, live counters, the last error, and its actions. */
export function TunnelCard({ state, onEdit }: Props) {
  const { config, status, stats, lastError, check } = state
  const words = MAIL_CLIENTS[useSettingsStore(selectMailClient)]
  const start = useTunnelsStore((s) => s.start)
  const stop = useTunnelsStore((s) => s.stop)
  const remove = useTunnelsStore((s) => s.remove)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [showLog, setShowLog] = useState(false)
  const titleId = `tunnel-${config.id}`
  const shownStatus = statusWords(state, useTunnelNeedsSignIn(state))
  // Listening and its server verified: only then is the tunnel said to work.
  const working = status === 'listening' && check?.state === 'verified'

  async function run(action: () => Promise<{ ok: true } | { ok: false; message: string }>) {
    if (busy) return
    setBusy(true)
    setError(null)
    const result = await action()
    setBusy(false)
    if (!result.ok) setError(result.message)
  }

  return (
    <li className="card tunnel-card" aria-labelledby={titleId}>
      <div className="tunnel-head">
        <h2 id={titleId}>{config.name}</h2>
        <span className={`badge tunnel-status tunnel-${shownStatus.tone}`}>
          <span aria-hidden="true">{shownStatus.mark}</span> {shownStatus.label}
        </span>
      </div>
      <p className="tunnel-route">
        <code className="path">{localAddress(state)}</code> →{' '}
        <code className="path">{upstreamAddress(config)}</code> ({PROTOCOL_WORDS[config.protocol]},{' '}
        {modeWords(config.mode, words)}
        {config.pin ? ', pinned key' : ''})
      </p>
      {status === 'listening' && check && check.state !== 'verified' && check.state !== 'checking' && (
        <ServerCheck state={{ ...state, check }} onEdit={onEdit} />
      )}
      {working && state.listening && config.localTls === 'plaintext' && (
        <p className="muted small">
          In {words.name}, set the server to {state.listening.host}, port {state.listening.port}, security “
          {words.none}
          ”: the unencrypted part stays on this computer.
        </p>
      )}
      {config.oauth && <TunnelOAuth state={state} />}
      {config.localTls !== 'plaintext' && <LocalTls state={state} />}
      <TunnelCounters name={config.name} stats={stats} />
      {lastError && (
        <p className="tunnel-error">
          <strong>Last error:</strong> {lastError}
        </p>
      )}
      <div className="form-actions">
        {status === 'listening' ? (
          <button type="button" className="button" onClick={() => void run(() => stop(config.id))}>
            Stop
          </button>
        ) : (
          <button
            type="button"
            className="button button-primary"
            onClick={() => void run(() => start(config.id))}
          >
            Start
          </button>
        )}
        <button type="button" className="button" onClick={onEdit}>
          Edit
        </button>
        <button type="button" className="button" aria-expanded={showLog} onClick={() => setShowLog(!showLog)}>
          {showLog ? 'Hide connection log' : 'Connection log'}
        </button>
        <ConfirmDelete what={config.name} onDelete={() => void run(() => remove(config.id))} />
      </div>
      <p role="alert" className="status-error">
        {/* A failed Start is the card's last error already: said once. */}
        {error !== lastError ? error : null}
      </p>
      {showLog && <ConnectionLog id={config.id} name={config.name} />}
    </li>
  )
}

/** How the device talks to the tunnel over TLS, and the tunnel's own certificate to pin there. */
function LocalTls({ state }: { state: TunnelState }) {
  return (
    <div className="tunnel-local-cert">
      <p className="small">
        Towards the device:{' '}
        {state.config.localTls === 'implicit-tls' ? 'TLS from the first byte' : 'STARTTLS'}
        {state.config.allowLegacyLocalTls ? ', old TLS 1.0/1.1 allowed' : ', TLS 1.2 or newer'}.
      </p>
      {state.localCertificate ? (
        <dl className="small" aria-label={`Local certificate of ${state.config.name}`}>
          <dt>Pin (SPKI SHA-256)</dt>
          <dd>
            <code className="path">{state.localCertificate.pin}</code>
          </dd>
          <dt>SHA-256 fingerprint</dt>
          <dd>
            <code className="path">{state.localCertificate.fingerprintSha256}</code>
          </dd>
          <dt>Valid for</dt>
          <dd>
            {state.localCertificate.names.join(', ')} until {state.localCertificate.notAfter.slice(0, 10)}
          </dd>
        </dl>
      ) : (
        <p className="muted small">Its certificate is made when the tunnel first starts.</p>
      )}
    </div>
  )
}

/** Live counters of one tunnel. */
function TunnelCounters({ name, stats }: { name: string; stats: TunnelStats }) {
  return (
    <dl className="tunnel-stats" aria-label={`Counters of ${name}`}>
      <div>
        <dt>Open now</dt>
        <dd>{stats.active}</dd>
      </div>
      <div>
        <dt>Connections</dt>
        <dd>{stats.total}</dd>
      </div>
      <div>
        <dt>Failed</dt>
        <dd>{stats.failed}</dd>
      </div>
      <div>
        <dt>Failed logins</dt>
        <dd>{stats.loginsFailed}</dd>
      </div>
      <div>
        <dt>To server</dt>
        <dd>{bytes(stats.bytesToUpstream)}</dd>
      </div>
      <div>
        <dt>To clients</dt>
        <dd>{bytes(stats.bytesToClients)}</dd>
      </div>
    </dl>
  )
}
