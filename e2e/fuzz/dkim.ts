// `npm run fuzz [-- --count N --seed S --workers W]`: mutated DKIM-signed messages through the
// verifier (parser, canonicalizers, key records), whole and in random chunks; no crash, no hang,
// no difference between the two. Prints a summary; exit 1 on any failure (each one replayable:
// its seed and index, and the message in base64 in a JSON file in the temporary directory).
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { CASE_TIME_BOUND_MS } from './cases.js'
import { defaultFuzzWorkers, HANG_BOUND_MS, runFuzz } from './run.js'
import { fuzzSeeds } from './seeds.js'

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    workers: { type: 'string' },
  },
  strict: true,
})
const count = Number(values.count)
const seed = Number(values.seed)
const workers = values.workers === undefined ? defaultFuzzWorkers() : Number(values.workers)
if (
  !Number.isInteger(count) ||
  count < 1 ||
  !Number.isInteger(seed) ||
  !Number.isInteger(workers) ||
  workers < 0
) {
  console.error('Usage: npm run fuzz -- [--count N] [--seed S] [--workers W]')
  process.exit(2)
}

const seeds = await fuzzSeeds()
console.log(
  `Fuzzing the DKIM verifier: ${count} cases, seed ${seed}, ${workers || 'no'} worker threads, ${seeds.seeds.length} seed messages.`,
)
const summary = await runFuzz(seeds, {
  count,
  seed,
  workers,
  onProgress: (done) => process.stderr.write(`\r${done}/${count}`),
})
process.stderr.write('\r')
const byKind: Record<string, number> = {}
for (const f of summary.failures) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1
console.log(
  `Cases:          ${summary.cases} in ${(summary.elapsedMs / 1000).toFixed(1)} s (${Math.round(summary.cases / (summary.elapsedMs / 1000))}/s)`,
)
console.log(`Reports:        ${summary.reports}`)
console.log(
  `Input refused:  ${
    Object.entries(summary.inputErrors)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none'
  }`,
)
console.log(
  `Slowest case:   #${summary.slowestIndex}, ${summary.slowestMs.toFixed(1)} ms (bound ${CASE_TIME_BOUND_MS} ms, hang ${HANG_BOUND_MS} ms)`,
)
console.log(
  `Slow (> ${CASE_TIME_BOUND_MS} ms): ${summary.slow.length}${summary.slow.length ? `, e.g. ${summary.slow[0]}` : ''}`,
)
console.log(
  `Failures:       ${summary.failures.length}${
    summary.failures.length
      ? ` (${Object.entries(byKind)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')})`
      : ''
  }`,
)
if (summary.failures.length > 0) {
  const report = path.join(os.tmpdir(), `mailwarden-fuzz-failures-${seed}.json`)
  await writeFile(report, JSON.stringify({ seed, failures: summary.failures.slice(0, 100) }, null, 2))
  for (const f of summary.failures.slice(0, 5))
    console.log(`  #${f.index} ${f.kind} [${f.steps.join(', ')}]: ${f.detail.split('\n')[0]}`)
  console.log(
    `Replay: npm run fuzz -- --seed ${seed} --count ${Math.max(...summary.failures.map((f) => f.index)) + 1}; details in ${report}`,
  )
  process.exitCode = 1
}
