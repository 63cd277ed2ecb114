import { Section } from '../components/Section.js'
import { selectClear, selectEntries, useLog } from '../stores/log.js'

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })

function formatTime(at: string): string {
  const date = new Date(at)
  return Number.isNaN(date.getTime()) ? at : time.format(date)
}

/** The engine's log lines since this page opened, newest last. */
export function ActivitySection() {
  const entries = useLog(selectEntries)
  const clear = useLog(selectClear)
  return (
    <Section title="Activity">
      <p className="section-intro">
        What Mailwarden’s engine did since this window opened, such as storing a password or changing a
        setting. Passwords never appear here.
      </p>
      {entries.length === 0 ? (
        <p className="card muted">Nothing has happened yet in this session.</p>
      ) : (
        <>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a long log scrolls, and keyboard users must reach it to scroll */}
          <section className="card log-scroll" aria-label="Log lines" tabIndex={0}>
            <ol className="log-list">
              {entries.map(({ seq, line }) => (
                <li key={seq} className={`log-line log-${line.level}`}>
                  <time dateTime={line.at}>{formatTime(line.at)}</time>
                  <span className="log-level">{line.level}</span>
                  <span className="log-source">{line.source}</span>
                  <span className="log-message">{line.message}</span>
                </li>
              ))}
            </ol>
          </section>
          <button type="button" className="button" onClick={clear}>
            Clear this view
          </button>
        </>
      )}
    </Section>
  )
}
