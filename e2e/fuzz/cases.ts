// One fuzz case: verify the mutated message whole and in its random chunks; both must end (a
// report or a DkimInputError, nothing else), in time, and say exactly the same thing.
import {
  DkimInputError,
  type KeyLookup,
  type KeySource,
  keyFileSource,
  verifyMessage,
} from '../../core/dkim/index.js'
import { caseSeed, inChunks, mutatedCase, prng } from './mutate.js'

/**
 * A case slower than this is listed as slow (a warning: on a shared machine time is noisy); one
 * that does not end within HANG_BOUND_MS (run.ts) is a failure.
 */
export const CASE_TIME_BOUND_MS = 2_000
/** Verification time, fixed so that the two runs of a case (and reruns) compare equal. */
const AT = new Date('2026-12-01T12:00:00Z')

export interface CaseFailure {
  index: number
  kind: 'crash' | 'mismatch' | 'hang'
  detail: string
  steps: string[]
  /** The message, base64, to replay. */
  message: string
}

export interface CaseOutcome {
  failure: CaseFailure | null
  /** Over CASE_TIME_BOUND_MS: what and how long, for the summary. */
  slow: string | null
  /** 'report' or the DkimInputError problem. */
  result: string
  ms: number
}

/** Keys from the key file, except that some answers are mutated records (junk from DNS). */
function keysFor(base: KeySource, seed: number, index: number): KeySource {
  const r = prng(caseSeed(seed ^ 0x5bd1e995, index))
  const junk = r() < 0.15
  return {
    description: 'fuzzed key file',
    async lookup(name): Promise<KeyLookup> {
      const found = await base.lookup(name)
      if (!junk || found.kind !== 'found') return found
      const record = Buffer.from(found.records[0] ?? '', 'latin1')
      for (let n = 1 + Math.floor(r() * 6); n > 0 && record.length > 0; n--)
        record[Math.floor(r() * record.length)] = Math.floor(r() * 256)
      return { kind: 'found', records: [record.toString('latin1')] }
    },
  }
}

async function settle(work: () => Promise<unknown>): Promise<{ text: string; crash: string | null }> {
  try {
    const report = await work()
    return { text: JSON.stringify(report), crash: null }
  } catch (error) {
    if (error instanceof DkimInputError)
      return { text: `input-error:${error.problem}:${error.message}`, crash: null }
    return { text: '', crash: error instanceof Error ? (error.stack ?? error.message) : String(error) }
  }
}

export function makeCaseRunner(seeds: readonly Buffer[], keysText: string, seed: number) {
  const base = keyFileSource(keysText)
  return async function runCase(index: number): Promise<CaseOutcome> {
    const c = mutatedCase(seeds, seed, index)
    const started = performance.now()
    const whole = await settle(() => verifyMessage(c.bytes, { keys: keysFor(base, seed, index), at: AT }))
    const chunked = await settle(() =>
      verifyMessage(inChunks(c.bytes, c.chunks), { keys: keysFor(base, seed, index), at: AT }),
    )
    const ms = performance.now() - started
    const fail = (kind: CaseFailure['kind'], detail: string): CaseOutcome => ({
      failure: { index, kind, detail, steps: c.steps, message: c.bytes.toString('base64') },
      result: 'failure',
      slow: null,
      ms,
    })
    if (whole.crash || chunked.crash) return fail('crash', (whole.crash ?? chunked.crash) as string)
    if (whole.text !== chunked.text)
      return fail('mismatch', `whole: ${whole.text.slice(0, 400)}\nchunked: ${chunked.text.slice(0, 400)}`)
    const slow =
      ms > CASE_TIME_BOUND_MS
        ? `#${index} ${Math.round(ms)} ms for ${c.bytes.length} bytes in ${c.chunks.length} chunks [${c.steps.join(', ')}]`
        : null
    const result = whole.text.startsWith('input-error:') ? (whole.text.split(':')[1] as string) : 'report'
    return { failure: null, slow, result, ms }
  }
}
