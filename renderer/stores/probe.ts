// The probe run this window started: its progress per endpoint as the engine reports it, then the
// report. Events arrive through connect.ts; the run tracker (run-tracker.ts) matches them to our
// run by id, holds those that arrive before probe.start answers, and ends the run with a sentence
// when the link drops. Events of other windows' runs, or of a run we already left, are ignored.
import { create } from 'zustand'
import type {
  DomainChecks,
  EndpointReport,
  EventPayload,
  MailProtocol,
  ProbeReport,
  ProbeStartRequestInput,
  RunId,
} from '../../shared/contract/index.js'
import type { DiscoveryStep, EndpointSource } from '../../shared/contract/probe-target.js'
import { type ActionResult, api, errorMessage, failed } from '../client.js'
import { type HeldEvent, type RunHandlers, type RunOutcome, RunTracker } from './run-tracker.js'

/** Discovery steps kept for display: a domain has a few dozen; more would only bury the results. */
export const STEPS_SHOWN_MAX = 200
/**
 * Events that arrive before probe.start has answered with the run id are held this many at most:
 * the engine may push the first ones before the reply reaches us.
 */
export const EARLY_EVENTS_MAX = 500

export type RunStatus = 'idle' | 'starting' | 'running' | 'done' | 'cancelled' | 'failed'
export type EndpointStage = 'discovered' | 'connecting' | 'done'

export interface EndpointProgress {
  key: string
  host: string
  port: number
  protocol: MailProtocol
  /** Where discovery found it, and in words. */
  source: EndpointSource
  sourceDetail: string
  trusted: boolean
  stage: EndpointStage
  result: EndpointReport | null
}

type ProgressEvent = EventPayload<'probe.progress'>
type FinishedEvent = EventPayload<'probe.finished'>
type Outcome = RunOutcome<ProbeReport>

interface ProbeStore {
  status: RunStatus
  runId: RunId | null
  /** What the user asked, as shown above the progress. */
  asked: string
  steps: DiscoveryStep[]
  endpoints: EndpointProgress[]
  domains: DomainChecks[]
  report: ProbeReport | null
  error: string | null
  /** The tracker's events held until probe.start names the run (mirrored for a test or a debugger). */
  early: readonly HeldEvent<ProgressEvent['progress'], ProbeReport>[]
  start(request: ProbeStartRequestInput, asked: string): Promise<ActionResult>
  cancel(): Promise<ActionResult>
  receiveProgress(event: ProgressEvent): void
  receiveFinished(event: FinishedEvent): void
  reset(): void
}

const initial = {
  status: 'idle' as RunStatus,
  runId: null,
  asked: '',
  steps: [],
  endpoints: [],
  domains: [],
  report: null,
  error: null,
  early: [],
}

const fresh = { steps: [], endpoints: [], domains: [], report: null, error: null }

function fromResult(endpoint: EndpointReport): EndpointProgress {
  return {
    key: endpoint.key,
    host: endpoint.host,
    port: endpoint.port,
    protocol: endpoint.protocol,
    source: endpoint.source,
    sourceDetail: endpoint.sourceDetail,
    trusted: endpoint.sourceTrusted,
    stage: 'done',
    result: endpoint,
  }
}

/** Applies one progress event to the state it changes; pure, so the order of events is all that matters. */
function applyProgress(state: ProbeStore, progress: ProgressEvent['progress']): Partial<ProbeStore> {
  switch (progress.stage) {
    case 'discovery':
      return { steps: [...state.steps, progress.step].slice(-STEPS_SHOWN_MAX) }
    case 'discovered': {
      const known = new Set(state.endpoints.map((e) => e.key))
      const added = progress.endpoints
        .filter((e) => !known.has(e.key))
        .map<EndpointProgress>((e) => ({
          key: e.key,
          host: e.host,
          port: e.port,
          protocol: e.protocol,
          source: e.source,
          sourceDetail: e.sourceDetail,
          trusted: e.trusted,
          stage: 'discovered',
          result: null,
        }))
      return { endpoints: [...state.endpoints, ...added] }
    }
    case 'connecting':
      return {
        endpoints: state.endpoints.map((e) =>
          e.key === progress.key && e.stage === 'discovered' ? { ...e, stage: 'connecting' } : e,
        ),
      }
    case 'done': {
      const done = fromResult(progress.endpoint)
      const exists = state.endpoints.some((e) => e.key === progress.key)
      return {
        endpoints: exists
          ? state.endpoints.map((e) => (e.key === progress.key ? { ...done, key: e.key } : e))
          : [...state.endpoints, done],
      }
    }
    case 'domain':
      return {
        domains: [...state.domains.filter((d) => d.domain !== progress.checks.domain), progress.checks],
      }
  }
}

function applyFinished(outcome: Outcome): Partial<ProbeStore> {
  switch (outcome.status) {
    case 'done':
      // The report is the truth: every endpoint in it, in its order.
      return {
        status: 'done',
        report: outcome.result,
        endpoints: outcome.result.endpoints.map(fromResult),
        domains: outcome.result.domains,
      }
    case 'cancelled':
      return { status: 'cancelled' }
    case 'failed':
      return { status: 'failed', error: outcome.error.message }
  }
}

/** Shown when the link drops mid-run: the engine cancels a closed tab's runs, so no result will come. */
export const LINK_LOST =
  'The connection to Mailwarden was lost, so the probe stopped. Start it again once the connection is back.'

const probeRuns = new RunTracker<ProgressEvent['progress'], ProbeReport>({
  heldMax: EARLY_EVENTS_MAX,
  linkLost: LINK_LOST,
})

export const useProbeStore = create<ProbeStore>()((set, get) => {
  const showHeld = () => {
    if (get().early !== probeRuns.held) set({ early: probeRuns.held })
  }
  const handlers: RunHandlers<ProgressEvent['progress'], ProbeReport> = {
    // A Cancel pressed while the probe was starting stays: the tracker stops the run once its id is known.
    started: (runId) => set({ runId, status: get().status === 'cancelled' ? 'cancelled' : 'running' }),
    progress(progress) {
      // A cancel already shown stops the progress too.
      if (get().status === 'running') set(applyProgress(get(), progress))
    },
    finished(outcome) {
      const { status } = get()
      // A cancel already shown stays cancelled; a result that raced it is still worth showing.
      if (status !== 'running' && !(status === 'cancelled' && outcome.status === 'done')) return
      set({ ...applyFinished(outcome), early: probeRuns.held })
    },
  }
  return {
    ...initial,
    async start(request, asked) {
      if (isRunning(get().status)) {
        return { ok: false, message: 'A probe is already running: cancel it or wait for it to finish.' }
      }
      set({ ...fresh, status: 'starting', runId: null, asked })
      try {
        await probeRuns.start(() => api().probe.start(request), handlers)
        showHeld()
        return { ok: true }
      } catch (error) {
        set({ status: 'failed', error: errorMessage(error), early: probeRuns.held })
        return failed(error)
      }
    },
    async cancel() {
      const { runId, status } = get()
      if (status === 'starting') {
        // The engine has not named the run yet: the tracker cancels it as soon as it does.
        set({ status: 'cancelled' })
        try {
          await probeRuns.cancel()
          return { ok: true }
        } catch (error) {
          return failed(error)
        }
      }
      if (!runId || status !== 'running') return { ok: true }
      try {
        await probeRuns.cancel()
        // The finished event (status cancelled) follows; say so at once in case it is late.
        if (get().runId === runId && get().status === 'running') set({ status: 'cancelled' })
        return { ok: true }
      } catch (error) {
        return failed(error)
      }
    },
    receiveProgress(event) {
      probeRuns.receiveProgress(event)
      showHeld()
    },
    receiveFinished(event) {
      probeRuns.receiveFinished(event)
      showHeld()
    },
    reset() {
      probeRuns.reset()
      set(initial)
    },
  }
})

export const selectProbeStatus = (s: ProbeStore) => s.status
export const selectEndpoints = (s: ProbeStore) => s.endpoints
export const selectSteps = (s: ProbeStore) => s.steps
export const selectReport = (s: ProbeStore) => s.report
export const selectProbeError = (s: ProbeStore) => s.error
export const selectAsked = (s: ProbeStore) => s.asked
export const selectDomains = (s: ProbeStore) => s.domains
export const isRunning = (status: RunStatus) => status === 'starting' || status === 'running'
