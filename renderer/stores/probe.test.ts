import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Client, EndpointReport, EventPayload, ProbeReport } from '../../shared/contract/index.js'
import { setClient } from '../client.js'
import { useAppStore } from './app.js'
import { EARLY_EVENTS_MAX, LINK_LOST, useProbeStore } from './probe.js'

// A stand-in for the engine's answer to probe.start: resolves when the test says so, so events
// can be made to arrive before, with and after the run id.
function fakeClient() {
  let answer: (value: { runId: string }) => void = () => {}
  const cancelled: string[] = []
  const api = {
    probe: { start: () => new Promise<{ runId: string }>((resolve) => (answer = resolve)) },
    runs: {
      cancel: async ({ runId }: { runId: string }) => {
        cancelled.push(runId)
        return { runId, cancelled: true }
      },
    },
  }
  setClient({ api, on: () => () => {} } as unknown as Client)
  return { answer: (runId: string) => answer({ runId }), cancelled }
}

const discovered = (runId: string, key: string): EventPayload<'probe.progress'> => ({
  runId,
  progress: {
    stage: 'discovered',
    endpoints: [
      {
        key,
        host: key.split(':')[0] ?? key,
        port: Number(key.split(':')[1]),
        protocol: 'imap',
        expected: 'implicit-tls',
        source: 'user',
        trusted: true,
        sourceDetail: 'you',
        alsoFrom: [],
        clientSetting: null,
      },
    ],
  },
})

const endpoint = (key: string) =>
  ({ key, host: 'imap.example.org', port: 993, protocol: 'imap' }) as EndpointReport
const report = (keys: string[]) =>
  ({ target: 't', endpoints: keys.map(endpoint), domains: [] }) as unknown as ProbeReport

describe('the probe store', () => {
  beforeEach(() => useProbeStore.getState().reset())
  afterEach(() => setClient(null))

  it('keeps events that arrive before probe.start answers, and only those of its own run', async () => {
    const engine = fakeClient()
    const started = useProbeStore
      .getState()
      .start({ targets: ['imap.example.org:993'] }, 'imap.example.org:993')
    const store = useProbeStore.getState()
    store.receiveProgress(discovered('run-mine', 'imap.example.org:993'))
    store.receiveProgress(discovered('run-other', 'other.example.org:993'))
    engine.answer('run-mine')
    await started
    expect(useProbeStore.getState().endpoints.map((e) => e.key)).toEqual(['imap.example.org:993'])
    expect(useProbeStore.getState().status).toBe('running')
  })

  it('moves an endpoint from discovered to connecting to done, then takes the report as the truth', async () => {
    const engine = fakeClient()
    const started = useProbeStore.getState().start({ targets: ['x'] }, 'x')
    engine.answer('run-1')
    await started
    const store = useProbeStore.getState()
    store.receiveProgress(discovered('run-1', 'imap.example.org:993'))
    store.receiveProgress({ runId: 'run-1', progress: { stage: 'connecting', key: 'imap.example.org:993' } })
    expect(useProbeStore.getState().endpoints[0]?.stage).toBe('connecting')
    store.receiveProgress({
      runId: 'run-1',
      progress: { stage: 'done', key: 'imap.example.org:993', endpoint: endpoint('imap.example.org:993') },
    })
    expect(useProbeStore.getState().endpoints[0]?.stage).toBe('done')
    store.receiveFinished({
      runId: 'run-1',
      outcome: { status: 'done', result: report(['imap.example.org:993']) },
    })
    expect(useProbeStore.getState().status).toBe('done')
    expect(useProbeStore.getState().report?.target).toBe('t')
    // Events of the finished run change nothing any more.
    store.receiveProgress(discovered('run-1', 'late.example.org:993'))
    expect(useProbeStore.getState().endpoints).toHaveLength(1)
  })

  it('cancels its own run and shows it as cancelled at once', async () => {
    const engine = fakeClient()
    const started = useProbeStore.getState().start({ targets: ['x'] }, 'x')
    engine.answer('run-2')
    await started
    await useProbeStore.getState().cancel()
    expect(engine.cancelled).toEqual(['run-2'])
    expect(useProbeStore.getState().status).toBe('cancelled')
  })

  it('cancels a probe still starting: shown at once, and the run is stopped when its id arrives', async () => {
    const engine = fakeClient()
    const started = useProbeStore.getState().start({ targets: ['x'] }, 'x')
    expect(useProbeStore.getState().status).toBe('starting')
    await useProbeStore.getState().cancel()
    expect(useProbeStore.getState().status).toBe('cancelled')
    engine.answer('run-3')
    await started
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(engine.cancelled).toEqual(['run-3'])
    expect(useProbeStore.getState().status).toBe('cancelled')
  })

  it('refuses a second start while one runs', async () => {
    fakeClient()
    void useProbeStore.getState().start({ targets: ['x'] }, 'x')
    const second = await useProbeStore.getState().start({ targets: ['y'] }, 'y')
    expect(second.ok).toBe(false)
  })

  it('holds at most EARLY_EVENTS_MAX events before the run id is known', () => {
    fakeClient()
    void useProbeStore.getState().start({ targets: ['x'] }, 'x')
    for (let n = 0; n < EARLY_EVENTS_MAX + 50; n++) {
      useProbeStore.getState().receiveProgress(discovered('run-3', `h${n}:993`))
    }
    expect(useProbeStore.getState().early).toHaveLength(EARLY_EVENTS_MAX)
  })
})

describe('the probe store when the link to the engine drops', () => {
  beforeEach(() => {
    useProbeStore.getState().reset()
    useAppStore.getState().setConnection({ status: 'connected' })
  })
  afterEach(() => setClient(null))

  it('ends a running probe with a sentence instead of waiting for a result that cannot come', async () => {
    const engine = fakeClient()
    const started = useProbeStore.getState().start({ targets: ['x'] }, 'x')
    engine.answer('run-4')
    await started
    useAppStore.getState().setConnection({ status: 'reconnecting', attempt: 1 })
    expect(useProbeStore.getState().status).toBe('failed')
    expect(useProbeStore.getState().error).toBe(LINK_LOST)
  })
})
