// A verifier thread of the archive pool: takes batches of messages (paths or mbox ranges), reads
// each (small ones at once, big ones streamed), verifies a few at a time and posts the results
// back in batches: the report, or when the caller prints rows, the row itself (only text
// crosses threads, not a report to clone). Keys come from the main thread (key-bridge).
import { type MessagePort, parentPort, workerData } from 'node:worker_threads'
import { cachedKeySource } from '../key-sources.js'
import { bridgedKeys } from './key-bridge.js'
import { BATCH_MESSAGES, MESSAGES_AT_ONCE_PER_WORKER } from './limits.js'
import type { PrintStyle } from './printed.js'
import type { ArchiveItem } from './sources.js'
import { type ItemOutcome, verifyItem } from './verify-item.js'

export interface WorkerInit {
  keyPort: MessagePort
  keyDescription: string
  learning: boolean
  /** The main key source asks DNS: Organizational Domains (the DMARC tree walk) are asked of it too. */
  walks: boolean
  /** ISO date to verify as of; null: each message's own Received time, else now. */
  at: string | null
  /** Make each message's printed row here instead of sending its report. */
  print: PrintStyle | null
}

export type ToWorker = { type: 'verify'; batch: Array<{ id: number; item: ArchiveItem }> }

/** What one message came to; `report` or `printed` by the run's choice. */
export type WorkerAnswer = ItemOutcome & { id: number }

export type FromWorker = { type: 'results'; answers: WorkerAnswer[] }

const init = workerData as WorkerInit
// Cached here too: a key (or a domain's walk) is asked once per thread, not once per message
// through the main thread.
const keys = cachedKeySource(bridgedKeys(init.keyPort, init.keyDescription, init.learning, init.walks))
const at = init.at ? new Date(init.at) : undefined

// A few messages at a time, so that one waiting for its key (a slow DNS server) does not hold up
// the others; answers go back together, as soon as this thread has nothing else to do.
const waiting: ToWorker['batch'] = []
let active = 0
let outbox: WorkerAnswer[] = []
let flushing = false

parentPort?.on('message', (message: ToWorker) => {
  waiting.push(...message.batch)
  pump()
})

function pump(): void {
  while (active < MESSAGES_AT_ONCE_PER_WORKER && waiting.length > 0) {
    const { id, item } = waiting.shift() as ToWorker['batch'][number]
    active++
    void answer(id, item).then((done) => {
      active--
      outbox.push(done)
      // A full batch goes at once: the main thread can hand out more while this one goes on.
      if (outbox.length >= BATCH_MESSAGES) flush()
      else if (!flushing) {
        flushing = true
        setImmediate(flush)
      }
      pump()
    })
  }
}

function flush(): void {
  flushing = false
  const answers = outbox
  outbox = []
  if (answers.length > 0) parentPort?.postMessage({ type: 'results', answers } satisfies FromWorker)
}

async function answer(id: number, item: ArchiveItem): Promise<WorkerAnswer> {
  return { id, ...(await verifyItem(item, { keys, print: init.print, ...(at ? { at } : {}) })) }
}
