import type { DkimReport } from '../../../shared/contract/index.js'
import { ScrollBox } from './ScrollBox.js'

/** The message's own header fields, as text, beside the report. */
export function MessageHeaders({ report }: { report: DkimReport }) {
  return (
    <section className="card dkim-headers" aria-labelledby="dkim-headers-title">
      <h2 id="dkim-headers-title">The message’s headers</h2>
      <ScrollBox className="dkim-headers-scroll" label="Header fields, top first">
        <dl className="dkim-header-list">
          {report.headers.map((header, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: header fields repeat; their position is their identity.
            <div key={index} className="dkim-header">
              <dt>{header.name}:</dt>
              <dd>{header.value}</dd>
            </div>
          ))}
        </dl>
      </ScrollBox>
      {report.headersTruncated && <p className="muted small">More header fields than are shown here.</p>}
    </section>
  )
}
