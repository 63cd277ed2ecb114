// Runs fuzz cases [0, count) of a seed, on worker threads with a watchdog (a case that does not
// finish within HANG_BOUND_MS is a hang: its thread is replaced and the run goes on), or in this
// thread (workers: 0, what the Vitest run uses).
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { type CaseFailure, type CaseOutcome, makeCaseRunner } from './cases.js'
import type { FuzzSeeds } from './seeds.js'

/**
 * No case may take this long; the watchdog ends its thread (an in-thread run races a timer). The
 * slowest real cases take under 1 s alone, but several seconds on a shared, loaded machine: 30 s
 * separates a hang from a busy machine.
 */
export const HANG_BOUND_MS = 30_000

export interface FuzzSummary {
  seed: number
  cases: number
  reports: number
  inputErrors: Record<string, number>
  failures: CaseFailure[]
  /** Cases over CASE_TIME_BOUND_MS (warnings). */
  slow: string[]
  slowestMs: number
  slowestIndex: number
  elapsedMs: number
}

export interface FuzzOptions {
  count: number
  seed: number
  workers: number
  onProgress?: (done: number) => void
}

function tally(summary: FuzzSummary, index: number, outcome: CaseOutcome) {
  summary.cases++
  if (outcome.failure) summary.failures.push(outcome.failure)
  if (outcome.slow) summary.slow.push(outcome.slow)
  else if (outcome.result === 'report') summary.reports++
  else summary.inputErrors[outcome.result] = (summary.inputErrors[outcome.result] ?? 0) + 1
  if (outcome.ms > summary.slowestMs) {
    summary.slowestMs = outcome.ms
    summary.slowestIndex = index
  }
}

export async function runFuzz(seeds: FuzzSeeds, options: FuzzOptions): Promise<FuzzSummary> {
  const started = Date.now()
  const summary: FuzzSummary = {
    seed: options.seed,
    cases: 0,
    reports: 0,
    inputErrors: {},
    failures: [],
    slow: [],
    slowestMs: 0,
    slowestIndex: -1,
    elapsedMs: 0,
  }
  if (options.workers === 0) {
    const runCase = makeCaseRunner(seeds.seeds, seeds.keysText, options.seed)
    for (let i = 0; i < options.count; i++) {
      let timer: NodeJS.Timeout | undefined
      const hang = new Promise<CaseOutcome>((resolve) => {
        timer = setTimeout(
          () =>
            resolve({
              failure: {
                index: i,
                kind: 'hang',
                detail: `no result in ${HANG_BOUND_MS} ms`,
                steps: [],
                message: '',
              },
              result: 'failure',
              slow: null,
              ms: HANG_BOUND_MS,
            }),
          HANG_BOUND_MS,
        )
      })
      tally(summary, i, await Promise.race([runCase(i), hang]))
      clearTimeout(timer)
      if (i % 500 === 0) options.onProgress?.(summary.cases)
    }
  } else {
    await runOnWorkers(seeds, options, summary)
  }
  summary.elapsedMs = Date.now() - started
  return summary
}

function runOnWorkers(seeds: FuzzSeeds, options: FuzzOptions, summary: FuzzSummary): Promise<void> {
  const script = pathToFileURL(path.join(import.meta.dirname, 'worker.ts')).href
  const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script)}) })`
  let next = 0
  let running = 0
  return new Promise<void>((resolve) => {
    const start = () => {
      const worker = new Worker(code, {
        eval: true,
        execArgv: [],
        workerData: { seeds: seeds.seeds, keysText: seeds.keysText, seed: options.seed },
      })
      running++
      let current = -1
      let watchdog: NodeJS.Timeout | undefined
      const feed = () => {
        clearTimeout(watchdog)
        if (next >= options.count) {
          void worker.terminate()
          return
        }
        current = next++
        watchdog = setTimeout(() => {
          summary.failures.push({
            index: current,
            kind: 'hang',
            detail: `no result in ${HANG_BOUND_MS} ms`,
            steps: [],
            message: '',
          })
          summary.cases++
          void worker.terminate()
          start()
        }, HANG_BOUND_MS)
        worker.postMessage(current)
      }
      worker.on('message', (message: { ready: true } | { index: number; outcome: CaseOutcome }) => {
        // Cases are fed once the thread has loaded (tsx compiles the verifier first).
        if ('ready' in message) {
          feed()
          return
        }
        const { index, outcome } = message
        if (index !== current) return
        tally(summary, index, outcome)
        if (summary.cases % 1000 === 0) options.onProgress?.(summary.cases)
        feed()
      })
      worker.on('error', (error) => {
        clearTimeout(watchdog)
        summary.failures.push({
          index: current,
          kind: 'crash',
          detail: `the thread died: ${error.message}`,
          steps: [],
          message: '',
        })
        summary.cases++
        start()
      })
      worker.on('exit', () => {
        clearTimeout(watchdog)
        running--
        if (running === 0 && next >= options.count) resolve()
      })
    }
    const count = Math.max(1, Math.min(options.workers, options.count))
    for (let i = 0; i < count; i++) start()
  })
}

export function defaultFuzzWorkers(): number {
  return Math.max(1, os.availableParallelism())
}
