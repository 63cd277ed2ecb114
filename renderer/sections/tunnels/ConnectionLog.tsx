import { useEffect, useState } from 'react'
import { Loading } from '../../components/ConnectionBanner.js'
import { useTunnelsStore } from '../../stores/tunnels.js'
import { bytes } from './words.js'

const OUTCOME_WORDS = {
  ok: 'ok',
  'login-failed': 'login refused (wrong password, or a login before TLS)',
  failed: 'failed',
  rejected: 'refused (client not allowed)',
  'idle-timeout': 'closed after idle timeout',
  stopped: 'closed when the tunnel stopped',
} as const

/** The recent connections of one tunnel, newest first; passwords were removed by the engine. */
export function ConnectionLog({ id, name }: { id: string; name: string }) {
  const records = useTunnelsStore((s) => s.logs[id])
  const loadLog = useTunnelsStore((s) => s.loadLog)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    void loadLog(id).then((result) => setError(result.ok ? null : result.message))
  }, [id, loadLog])

  if (!records)
    return error ? (
      <p className="status-error">The connection log could not be read: {error}</p>
    ) : (
      <Loading what="the connection log" />
    )
  if (records.length === 0)
    return <p className="muted">No connection yet. Point your mail client at the local address above.</p>
  return (
    <div className="log-scroll tunnel-log-scroll">
      <table className="tunnel-log">
        <caption className="visually-hidden">Connections of {name}</caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Client</th>
            <th scope="col">Outcome</th>
            <th scope="col">Sent / received</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.seq}>
              <td>
                {new Date(r.startedAt).toLocaleTimeString()}
                <br />
                <span className="muted small">{(r.durationMs / 1000).toFixed(1)} s</span>
              </td>
              <td>{r.client}</td>
              <td>
                {OUTCOME_WORDS[r.outcome]}
                {r.loginsFailed > 0 && r.outcome !== 'login-failed' && (
                  <span className="muted small">
                    {' '}
                    ({r.loginsFailed} refused login{r.loginsFailed === 1 ? '' : 's'} first)
                  </span>
                )}
                {r.error && <span className="status-error"> — {r.error}</span>}
                {r.tls && (
                  <span className="muted small">
                    {' '}
                    ({r.tls.version}
                    {r.tls.resumed ? ', resumed' : ''}
                    {r.tls.pinned ? ', pinned key' : ''})
                  </span>
                )}
                {r.commands.length > 0 && (
                  // The commands are long lines: one click away, wrapped inside the card.
                  <details className="tunnel-commands-details">
                    <summary>
                      {r.commands.length} command{r.commands.length === 1 ? '' : 's'}
                    </summary>
                    <code className="tunnel-commands">{r.commands.join('\n')}</code>
                  </details>
                )}
              </td>
              <td>
                {bytes(r.bytesFromClient)} / {bytes(r.bytesToClient)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
