// A verifier thread of the archive pool: takes messages (paths or mbox ranges), streams their
// bytes into verifyMessage and posts each report back. Keys come from the main thread (key-bridge).
import { type MessagePort, parentPort, workerData } from 'node:worker_threads'
import { verifyMessage } from '../verify.js'
import { bridgedKeys } from './key-bridge.js'
import { type ArchiveReport, archiveReport } from './report.js'
import { type ArchiveItem, readItem } from './sources.js'

export interface WorkerInit {
  keyPort: MessagePort
  keyDescription: string
  learning: boolean
  /** ISO date to verify as of; null: each message's own Received time, else now. */
  at: string | null
}

export type ToWorker = { type: 'verify'; id: number; item: ArchiveItem }
export type FromWorker =
  | { type: 'result'; id: number; report: ArchiveReport }
  | { type: 'error'; id: number; error: string; problem: string | null }

const init = workerData as WorkerInit
const keys = bridgedKeys(init.keyPort, init.keyDescription, init.learning)
const at = init.at ? new Date(init.at) : undefined

parentPort?.on('message', (message: ToWorker) => {
  const { id, item } = message
  verifyOne(item).then(
    (report) => parentPort?.postMessage({ type: 'result', id, report } satisfies FromWorker),
    (error: unknown) =>
      parentPort?.postMessage({
        type: 'error',
        id,
        error: error instanceof Error ? error.message : String(error),
        problem: (error as { problem?: string } | null)?.problem ?? null,
      } satisfies FromWorker),
  )
})

async function verifyOne(item: ArchiveItem): Promise<ArchiveReport> {
  return archiveReport(await verifyMessage(readItem(item), { keys, ...(at ? { at } : {}) }))
}
