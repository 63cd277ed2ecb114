import type { ClientAdvice } from '../../../shared/knowledge/explain.js'
import { Disclosure } from './Disclosure.js'

/**
 * What to choose in the picked client: the one sentence and any certificate step; traps on request.
 * How far the client's wording is verified is said once, above all the servers (UseTheseSettings).
 */
export function ClientAdviceView({ advice }: { advice: ClientAdvice }) {
  return (
    <div className="advice">
      <p className={advice.usable ? 'advice-sentence' : 'advice-sentence advice-unusable'}>
        {advice.sentence}
      </p>
      {advice.config.length > 0 && (
        <pre className="advice-config">
          <code>{advice.config.join('\n')}</code>
        </pre>
      )}
      {advice.certificate && <p className="advice-certificate">{advice.certificate}</p>}
      {(advice.avoid.length > 0 || advice.notes.length > 0) && (
        <Disclosure summary={`Choices to avoid in ${advice.clientName}, and why`}>
          {advice.avoid.length > 0 && (
            <ul>
              {advice.avoid.map((trap) => (
                <li key={trap}>{trap}</li>
              ))}
            </ul>
          )}
          {advice.notes.length > 0 && (
            <ul className="muted small">
              {advice.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
        </Disclosure>
      )}
    </div>
  )
}
