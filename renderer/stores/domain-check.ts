// "Check a domain" on the Your domain page: one run at a time (domain.check, a long run), its
// phase as it goes, and the report. Events arrive through connect.ts; the run tracker matches
// them to our run.
import { create } from 'zustand'
import type { DomainCheckReport, DomainCheckRequest, EventPayload } from '../../shared/contract/index.js'
import { api, errorMessage } from '../client.js'
import { type RunHandlers, RunTracker } from './run-tracker.js'

type Progress = EventPayload<'domain.check.progress'>['progress']

export const DOMAIN_CHECK_LINK_LOST =
  'The connection to Mailwarden was lost, so the check stopped. Start it again once the connection is back.'

interface DomainCheckStore {
  domain: string
  selectors: string
  skipMx: boolean
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'failed'
  /** The phase running now (records, mx, dane). */
  phase: Progress['phase'] | null
  report: DomainCheckReport | null
  error: string | null
  setDomain(domain: string): void
  setSelectors(selectors: string): void
  setSkipMx(skip: boolean): void
  /** Starts a check; `domain` given by a link from elsewhere (the DKIM page). */
  start(domain?: string): Promise<void>
  cancel(): Promise<void>
  receiveProgress(event: EventPayload<'domain.check.progress'>): void
  receiveFinished(event: EventPayload<'domain.check.finished'>): void
  reset(): void
}

const runs = new RunTracker<Progress, DomainCheckReport>({ heldMax: 20, linkLost: DOMAIN_CHECK_LINK_LOST })

/** "s1, s2 s3" → ["s1", "s2", "s3"]. */
export function selectorList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean)
}

const initial = {
  domain: '',
  selectors: '',
  skipMx: false,
  status: 'idle' as const,
  phase: null,
  report: null,
  error: null,
}

export const useDomainCheckStore = create<DomainCheckStore>()((set, get) => {
  const handlers: RunHandlers<Progress, DomainCheckReport> = {
    progress: (progress) => {
      if (get().status === 'running') set({ phase: progress.phase })
    },
    finished: (outcome) => {
      if (get().status !== 'running') return
      if (outcome.status === 'done') set({ status: 'done', report: outcome.result, phase: null })
      else if (outcome.status === 'cancelled') set({ status: 'cancelled', phase: null })
      else set({ status: 'failed', error: outcome.error.message, phase: null })
    },
  }
  return {
    ...initial,
    setDomain: (domain) => set({ domain }),
    setSelectors: (selectors) => set({ selectors }),
    setSkipMx: (skipMx) => set({ skipMx }),
    async start(domain) {
      if (get().status === 'running') return
      if (domain !== undefined) set({ domain })
      const request: DomainCheckRequest = {
        domain: get().domain.trim(),
        selectors: selectorList(get().selectors),
        skipMx: get().skipMx,
      }
      set({ status: 'running', phase: 'records', report: null, error: null })
      try {
        await runs.start(() => api().domain.check(request), handlers)
      } catch (error) {
        set({ status: 'failed', error: errorMessage(error), phase: null })
      }
    },
    async cancel() {
      if (get().status !== 'running') return
      set({ status: 'cancelled', phase: null })
      await runs.cancel()
    },
    receiveProgress: (event) => runs.receiveProgress(event),
    receiveFinished: (event) => runs.receiveFinished(event),
    reset() {
      runs.reset()
      set(initial)
    },
  }
})
