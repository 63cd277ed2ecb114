// Runs every verifier over every input several times, interleaved (run 1 of each, then run 2 of
// each, ...) so that a burst of load from elsewhere falls on all of them alike, and keeps the
// times. A verifier that does not say pass on every message of an input has no figure for it.
import type { CorpusSet } from './corpus.js'
import type { InputKind, Outcome, Target, Verifier } from './verifiers.js'

export interface Measurement {
  verifier: Verifier
  /** Seconds of each run that went through. */
  seconds: number[]
  /** Why there is no figure: some message did not pass, or a run failed. */
  invalid?: string
}

/** messages/s of the median and of the best run; null when the figure is not to be printed. */
export function rates(m: Measurement | undefined, messages: number): { median: number; best: number } | null {
  if (!m || m.invalid || m.seconds.length === 0) return null
  const sorted = [...m.seconds].sort((a, b) => a - b)
  const mid = sorted.length / 2
  const median =
    sorted.length % 2
      ? (sorted[Math.floor(mid)] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
  return { median: messages / median, best: messages / (sorted[0] as number) }
}

export type Results = Map<string, Measurement>

export const resultKey = (set: CorpusSet, kind: InputKind, verifier: Verifier) =>
  `${set.spec.id}/${kind}/${verifier.id}`

function judge(outcome: Outcome, expected: number): string | undefined {
  if (outcome.messages === expected && outcome.passed === expected) return undefined
  const first = outcome.failures.length ? `; first: ${outcome.failures.join(' | ')}` : ''
  return `${outcome.passed} of ${expected} messages pass (${outcome.messages} seen)${first}`
}

export interface MeasurePlan {
  sets: CorpusSet[]
  keyFile: string
  kinds: InputKind[]
  verifiers: Verifier[]
  /** Verifiers that do not read the input (in memory): run once per size, shown for every kind. */
  inMemory: Verifier[]
  runs: number
  log: (line: string) => void
}

export async function measureAll(plan: MeasurePlan): Promise<Results> {
  const results: Results = new Map()
  const record = async (verifier: Verifier, target: Target, keys: string[], where: string) => {
    const first = results.get(keys[0] as string)
    if (first?.invalid) return // one failed run is enough: its figure is not printed
    let outcome: Outcome
    try {
      outcome = await verifier.run(target)
    } catch (error) {
      outcome = { seconds: 0, messages: 0, passed: 0, failures: [String(error)] }
    }
    const invalid = judge(outcome, target.set.spec.count)
    for (const key of keys) {
      const m = results.get(key) ?? { verifier, seconds: [] }
      if (invalid) m.invalid = invalid
      else m.seconds.push(outcome.seconds)
      results.set(key, m)
    }
    plan.log(
      `    ${verifier.label.padEnd(24)} ${where.padEnd(9)} ${outcome.seconds.toFixed(2).padStart(7)} s${invalid ? `  NOT ALL PASS: ${invalid}` : ''}`,
    )
  }
  for (const set of plan.sets) {
    for (let run = 1; run <= plan.runs; run++) {
      plan.log(`  ${set.spec.label}, run ${run} of ${plan.runs}:`)
      for (const verifier of plan.inMemory) {
        const target = { set, kind: 'maildir' as const, path: set.maildir, keyFile: plan.keyFile }
        const keys = plan.kinds.map((kind) => resultKey(set, kind, verifier))
        await record(verifier, target, keys, 'in memory')
      }
      for (const kind of plan.kinds) {
        const target = { set, kind, path: kind === 'maildir' ? set.maildir : set.mbox, keyFile: plan.keyFile }
        for (const verifier of plan.verifiers)
          await record(verifier, target, [resultKey(set, kind, verifier)], kind)
      }
    }
  }
  return results
}
