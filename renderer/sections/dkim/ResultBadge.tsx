import type { DkimResult } from '../../../shared/contract/index.js'
import { RESULT_SYMBOL, resultTone } from './words.js'

/** An RFC 8601 result word, with a symbol and a tone that only repeat it. */
export function ResultBadge({ result }: { result: DkimResult }) {
  return (
    <span className={`dkim-result dkim-tone-${resultTone(result)}`}>
      <span aria-hidden="true">{RESULT_SYMBOL[result]} </span>
      {result}
    </span>
  )
}
