// A fuzzing thread: runs the cases the main thread sends, one at a time, and answers each.
import { parentPort, workerData } from 'node:worker_threads'
import { makeCaseRunner } from './cases.js'

const { seeds, keysText, seed } = workerData as { seeds: Uint8Array[]; keysText: string; seed: number }
const runCase = makeCaseRunner(
  seeds.map((s) => Buffer.from(s)),
  keysText,
  seed,
)
parentPort?.on('message', (index: number) => {
  runCase(index).then((outcome) => parentPort?.postMessage({ index, outcome }))
})
parentPort?.postMessage({ ready: true })
