import type { DkimResult } from '../../../shared/contract/index.js'
import { RESULT_SYMBOL, resultTone } from './words.js'

/** An RFC 8601 result word, with a symbol and a tone that only repeat it. `muted`: the word stays,
 * the green goes (a verifying signature on a message whose author is ambiguous, a forgery). */
export function ResultBadge({ result, muted = false }: { result: DkimResult; muted?: boolean }) {
  return (
    <span className={`dkim-result dkim-tone-${muted ? 'plain' : resultTone(result)}`}>
      <span aria-hidden="true">{RESULT_SYMBOL[result]} </span>
      {result}
    </span>
  )
}

/** Beside a message's verdict: whether its From is vouched for, in words, with a tone that only
 * repeats them. A forged or doubled author is bad, not merely "not vouched for". */
export function SenderBadge({ aligned, ambiguous }: { aligned: boolean; ambiguous: boolean }) {
  const [tone, symbol, words] = aligned
    ? (['ok', '✓', 'From vouched for'] as const)
    : ambiguous
      ? (['bad', '✗', 'sender ambiguous: treat as forged'] as const)
      : (['warn', '!', 'From not vouched for'] as const)
  return (
    <span className={`dkim-result dkim-tone-${tone}`}>
      <span aria-hidden="true">{symbol} </span>
      {words}
    </span>
  )
}
