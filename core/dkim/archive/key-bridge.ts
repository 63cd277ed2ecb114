// Keys for the workers come from the main thread: one KeySource there (cached, so each name is
// fetched once per run however many workers ask), and in each worker a proxy that asks it over a
// MessagePort. The main thread is also the only one that talks to DNS and writes the key store;
// the Organizational Domains of alignment (the DMARC tree walk) are asked of it the same way.
import type { MessagePort } from 'node:worker_threads'
import type { OrganizationalDomainAnswer } from '../../dmarc/organizational-domain.js'
import {
  isLearning,
  type KeyLookup,
  type KeyObservation,
  type KeySource,
  type LearningKeySource,
  type StoredKey,
} from '../key-sources.js'

export type BridgeRequest =
  | { type: 'lookup'; id: number; name: string }
  | { type: 'organizational'; id: number; domain: string }
  | { type: 'remember'; observation: KeyObservation }

export type BridgeAnswer =
  | {
      type: 'lookup'
      id: number
      lookup: KeyLookup
      /** For a learning source: what changedFrom(name, record) says for each record found. */
      changed: Array<StoredKey | null>
    }
  | { type: 'organizational'; id: number; answer: OrganizationalDomainAnswer }

/** Main-thread side of an Organizational Domain question (only asked of a source that has it). */
function serveOrganizational(port: MessagePort, source: KeySource, id: number, domain: string): void {
  const ask = source.organizationalDomain?.bind(source)
  const answer = ask ? ask(domain) : Promise.reject(new Error('this key source asks no DNS'))
  answer.then(
    (found) => port.postMessage({ type: 'organizational', id, answer: found } satisfies BridgeAnswer),
    (error: unknown) =>
      port.postMessage({
        type: 'organizational',
        id,
        answer: {
          domain,
          basis: 'public-suffix-list',
          fallback: error instanceof Error ? error.message : String(error),
        },
      } satisfies BridgeAnswer),
  )
}

/** Main-thread side: answers one worker's port from `source`. */
export function serveKeys(port: MessagePort, source: KeySource): void {
  port.on('message', (request: BridgeRequest) => {
    if (request.type === 'remember') {
      if (isLearning(source)) source.remember(request.observation)
      return
    }
    if (request.type === 'organizational') {
      serveOrganizational(port, source, request.id, request.domain)
      return
    }
    source.lookup(request.name).then(
      (lookup) => {
        const records = lookup.kind === 'found' ? lookup.records : []
        const changed = isLearning(source) ? records.map((r) => source.changedFrom(request.name, r)) : []
        port.postMessage({ type: 'lookup', id: request.id, lookup, changed } satisfies BridgeAnswer)
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error)
        port.postMessage({
          type: 'lookup',
          id: request.id,
          lookup: { kind: 'temperror', reason },
          changed: [],
        } satisfies BridgeAnswer)
      },
    )
  })
}

/**
 * Worker side: a KeySource (learning when the main one is) that asks the main thread; with
 * `walks`, Organizational Domains too (the main source asks DNS).
 */
export function bridgedKeys(
  port: MessagePort,
  description: string,
  learning: boolean,
  walks = false,
): KeySource {
  let next = 0
  const waiting = new Map<number, (answer: BridgeAnswer) => void>()
  // What the main thread said about changed keys, per name and record, for changedFrom().
  const changes = new Map<string, Map<string, StoredKey | null>>()
  port.on('message', (answer: BridgeAnswer) => {
    const resolve = waiting.get(answer.id)
    waiting.delete(answer.id)
    resolve?.(answer)
  })
  const source: KeySource = {
    description,
    lookup(name) {
      const id = next++
      return new Promise<KeyLookup>((resolve) => {
        waiting.set(id, (answer) => {
          if (answer.type !== 'lookup') return
          if (answer.lookup.kind === 'found') {
            const byRecord = new Map<string, StoredKey | null>()
            for (const [i, r] of answer.lookup.records.entries()) byRecord.set(r, answer.changed[i] ?? null)
            changes.set(name.toLowerCase(), byRecord)
          }
          resolve(answer.lookup)
        })
        port.postMessage({ type: 'lookup', id, name } satisfies BridgeRequest)
      })
    },
  }
  if (walks)
    source.organizationalDomain = (domain) => {
      const id = next++
      return new Promise<OrganizationalDomainAnswer>((resolve) => {
        waiting.set(id, (answer) => {
          if (answer.type === 'organizational') resolve(answer.answer)
        })
        port.postMessage({ type: 'organizational', id, domain } satisfies BridgeRequest)
      })
    }
  if (!learning) return source
  const learner: LearningKeySource = {
    ...source,
    changedFrom: (name: string, record: string) => changes.get(name.toLowerCase())?.get(record) ?? null,
    remember: (observation: KeyObservation) =>
      port.postMessage({ type: 'remember', observation } satisfies BridgeRequest),
    // The main thread saves once at the end of the run.
    save: async () => {},
  }
  return learner
}
