// The words the DKIM section shows for the engine's results: RFC 8601 result words always in
// text (a colour or a symbol only repeats them), with a sentence each.
import type { DkimResult, DkimStepName, DkimStepStatus } from '../../../shared/contract/index.js'

export const RESULT_SENTENCE: Record<DkimResult, string> = {
  pass: 'The signature verifies: the signing domain vouches for this message as it is.',
  fail: 'The signature does not verify: the message changed after it was signed, or the signature is forged.',
  neutral: 'The signature could not be judged either way.',
  policy:
    'The signature verifies, but it is not acceptable under local policy (for example rsa-sha1 or a weak key).',
  // Not "try again later": a DNS server that refuses will refuse again; each signature says why.
  temperror: 'The key could not be fetched, so the check could not finish; each signature says why.',
  permerror: 'A permanent error (a malformed signature, or no usable key) stopped the check.',
  none: 'The message carries no DKIM signature.',
}

/** A symbol that repeats the word for sighted readers; it is hidden from screen readers. */
export const RESULT_SYMBOL: Record<DkimResult, string> = {
  pass: '✓',
  fail: '✗',
  neutral: '–',
  policy: '!',
  temperror: '↻',
  permerror: '✗',
  none: '–',
}

/** The tone (colour class) each result takes; never the only cue. */
export function resultTone(result: DkimResult): 'ok' | 'bad' | 'warn' | 'plain' {
  if (result === 'pass') return 'ok'
  if (result === 'fail' || result === 'permerror') return 'bad'
  if (result === 'policy' || result === 'temperror') return 'warn'
  return 'plain'
}

export const STEP_LABEL: Record<DkimStepName, string> = {
  'fetch-key': 'Fetch the key',
  'check-key': 'Check the key',
  'hash-body': 'Hash the body',
  'hash-headers': 'Hash the headers',
  verify: 'Verify the signature',
}

export const STEP_STATUS_WORD: Record<DkimStepStatus, string> = {
  ok: 'done',
  warn: 'done, with a warning',
  failed: 'failed',
  skipped: 'not reached',
}

export const STEP_STATUS_SYMBOL: Record<DkimStepStatus, string> = {
  ok: '✓',
  warn: '!',
  failed: '✗',
  skipped: '·',
}
