import type { DkimReport } from '../../../shared/contract/index.js'
import { breakable } from './breakable.js'
import { ResultBadge } from './ResultBadge.js'

/** The receiving server's Authentication-Results beside our verdict, and where they disagree. */
export function ReceivedResults({ report }: { report: DkimReport }) {
  const entries = report.receivedResults
  const disagreements = entries.filter((e) => e.disagrees).length
  return (
    <section className="card" aria-labelledby="dkim-received-title">
      <h3 id="dkim-received-title">What the receiving server said</h3>
      {entries.length === 0 ? (
        <p className="muted">The message has no Authentication-Results header with a DKIM result.</p>
      ) : (
        <>
          <p>
            {disagreements === 0
              ? 'The receiving server’s DKIM results agree with Mailwarden’s.'
              : `The receiving server and Mailwarden disagree on ${disagreements} of ${entries.length} results. A server may verify at delivery time (before a key rotation or expiry) or apply its own policy.`}
          </p>
          <table className="dkim-table">
            <caption className="visually-hidden">Receiving server’s DKIM results beside Mailwarden’s</caption>
            <thead>
              <tr>
                <th scope="col">Server</th>
                <th scope="col">Signature</th>
                <th scope="col">Server’s result</th>
                <th scope="col">Mailwarden’s result</th>
                <th scope="col">Agree</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the entries have no identity of their own.
                <tr key={index} className={entry.disagrees ? 'dkim-disagree' : undefined}>
                  <td>{breakable(entry.server)}</td>
                  <td>
                    {breakable(`${entry.domain ?? '?'}${entry.selector ? ` / ${entry.selector}` : ''}`)}
                    {entry.signature !== null ? ` (signature ${entry.signature + 1})` : ''}
                  </td>
                  <td className="dkim-short">{entry.result}</td>
                  <td className="dkim-short">
                    {entry.ours ? <ResultBadge result={entry.ours} /> : 'no matching signature'}
                  </td>
                  <td className="dkim-short">{entry.disagrees ? 'No' : 'Yes'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}
