// The CI-sized fuzz run (the full one is `npm run fuzz`, 100,000 cases): mutated signed messages,
// whole and in random chunks, on worker threads with a watchdog. No crash, no hang, and the same
// answer however the bytes arrive.
import { describe, expect, it } from 'vitest'
import { runFuzz } from './run.js'
import { fuzzSeeds } from './seeds.js'

describe('DKIM fuzzing (short run)', () => {
  it('2,000 mutated messages: no crash, no hang, no difference between whole and chunked input', async () => {
    const seeds = await fuzzSeeds()
    expect(seeds.seeds.length).toBeGreaterThan(30)
    // A fixed seed keeps CI reproducible; `npm run fuzz` explores a new seed each run.
    const seed = 20261201
    const summary = await runFuzz(seeds, { count: 2_000, seed, workers: 2 })
    expect(summary.cases).toBe(2_000)
    expect(
      summary.failures.map((f) => `seed ${seed} case ${f.index} ${f.kind}: ${f.detail.split('\n')[0]}`),
    ).toEqual([])
    // The mutations must reach past the parser: some messages still verify to a report with signatures.
    expect(summary.reports).toBeGreaterThan(1_000)
  }, 300_000) // ~15 s on two idle cores; generous for a shared machine
})
