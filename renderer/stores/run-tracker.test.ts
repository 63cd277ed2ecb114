// The run tracker on its own: events that arrive before the start call's answer, routing by run
// id, cancel, a run replaced by another, and a link that drops. The engine is stood in for by a
// start call the test answers when it wants and a runs.cancel that records what it was asked.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Client, RunId } from '../../shared/contract/index.js'
import { setClient } from '../client.js'
import { useAppStore } from './app.js'
import { type RunOutcome, RunTracker } from './run-tracker.js'

const LOST = 'The link dropped, so the run stopped.'

/** A start call answered by the test, and the runs the tracker asked the engine to cancel. */
function fakeEngine() {
  const cancelled: string[] = []
  setClient({
    api: {
      runs: {
        cancel: async ({ runId }: { runId: string }) => {
          cancelled.push(runId)
          return { runId, cancelled: true }
        },
      },
    },
    on: () => () => {},
  } as unknown as Client)
  let answer: (runId: RunId) => void = () => {}
  const call = () =>
    new Promise<{ runId: RunId }>((resolve) => {
      answer = (runId) => resolve({ runId })
    })
  return { call, answer: (runId: RunId) => answer(runId), cancelled }
}

/** What the handlers saw, in order. */
function recorder() {
  const seen: string[] = []
  return {
    seen,
    handlers: {
      started: (runId: RunId) => seen.push(`started ${runId}`),
      progress: (progress: number) => seen.push(`progress ${progress}`),
      finished: (outcome: RunOutcome<string>) => seen.push(`finished ${outcome.status}`),
    },
  }
}

const progress = (runId: RunId, value: number) => ({ runId, progress: value })
const done = (runId: RunId, result = 'ok') => ({ runId, outcome: { status: 'done' as const, result } })

let tracker: RunTracker<number, string>

beforeEach(() => {
  useAppStore.getState().setConnection({ status: 'connected' })
  tracker = new RunTracker<number, string>({ heldMax: 3, linkLost: LOST })
})

afterEach(() => {
  tracker.dispose()
  setClient(null)
  useAppStore.getState().reset()
})

describe('the run tracker', () => {
  it('holds events that arrive before the run id, then replays its own run’s in order', async () => {
    const engine = fakeEngine()
    const { seen, handlers } = recorder()
    const starting = tracker.start(engine.call, handlers)
    tracker.receiveProgress(progress('run-mine', 1))
    tracker.receiveProgress(progress('run-other', 9))
    tracker.receiveFinished(done('run-mine', 'report'))
    expect(tracker.held).toHaveLength(3)
    engine.answer('run-mine')
    const run = await starting
    expect(seen).toEqual(['started run-mine', 'progress 1', 'finished done'])
    expect(await run.outcome).toEqual({ status: 'done', result: 'report' })
    expect(tracker.held).toEqual([])
  })

  it('keeps only the newest events past its bound', async () => {
    const engine = fakeEngine()
    const { seen, handlers } = recorder()
    const starting = tracker.start(engine.call, handlers)
    for (let n = 1; n <= 5; n++) tracker.receiveProgress(progress('run-1', n))
    expect(tracker.held).toHaveLength(3)
    engine.answer('run-1')
    await starting
    expect(seen).toEqual(['started run-1', 'progress 3', 'progress 4', 'progress 5'])
  })

  it('routes by run id once it is known, and ignores everything after the finished event', async () => {
    const engine = fakeEngine()
    const { seen, handlers } = recorder()
    const starting = tracker.start(engine.call, handlers)
    engine.answer('run-1')
    const run = await starting
    tracker.receiveProgress(progress('run-2', 7))
    tracker.receiveProgress(progress('run-1', 1))
    tracker.receiveFinished(done('run-2'))
    tracker.receiveFinished({ runId: 'run-1', outcome: { status: 'cancelled' } })
    tracker.receiveProgress(progress('run-1', 2))
    tracker.receiveFinished(done('run-1'))
    expect(seen).toEqual(['started run-1', 'progress 1', 'finished cancelled'])
    expect(await run.outcome).toEqual({ status: 'cancelled' })
  })

  it('cancels a run still starting as soon as the engine names it', async () => {
    const engine = fakeEngine()
    const starting = tracker.start(engine.call)
    await tracker.cancel()
    expect(engine.cancelled).toEqual([])
    engine.answer('run-5')
    await starting
    expect(engine.cancelled).toEqual(['run-5'])
  })

  it('abandons the run it follows when another starts: stopped on the engine, ended cancelled', async () => {
    const engine = fakeEngine()
    const first = recorder()
    const starting = tracker.start(engine.call, first.handlers)
    engine.answer('run-1')
    const run = await starting
    void tracker.start(engine.call)
    expect(await run.outcome).toEqual({ status: 'cancelled' })
    expect(first.seen).toEqual(['started run-1', 'finished cancelled'])
    expect(engine.cancelled).toEqual(['run-1'])
  })

  it('rejects with the start call’s error, and follows no run then', async () => {
    fakeEngine()
    const { seen, handlers } = recorder()
    const refused = tracker.start(() => Promise.reject(new Error('Already 16 operations running.')), handlers)
    tracker.receiveProgress(progress('run-1', 1))
    await expect(refused).rejects.toThrow('Already 16 operations running.')
    expect(seen).toEqual([])
    expect(tracker.held).toEqual([])
  })
})

describe('the run tracker when the link to the engine drops', () => {
  it('ends the run with the sentence it was given, instead of waiting for an event that cannot come', async () => {
    const engine = fakeEngine()
    const { seen, handlers } = recorder()
    const starting = tracker.start(engine.call, handlers)
    engine.answer('run-1')
    const run = await starting
    useAppStore.getState().setConnection({ status: 'reconnecting', attempt: 1 })
    expect(seen).toEqual(['started run-1', 'finished failed'])
    expect(await run.outcome).toEqual({ status: 'failed', error: { code: 'unavailable', message: LOST } })
    // Whatever comes later for that run changes nothing.
    tracker.receiveFinished(done('run-1'))
    expect(seen).toHaveLength(2)
  })

  it('ends a run the user already asked to stop as cancelled', async () => {
    const engine = fakeEngine()
    const starting = tracker.start(engine.call)
    engine.answer('run-1')
    const run = await starting
    await tracker.cancel()
    useAppStore.getState().setConnection({ status: 'failed', reason: 'refused' })
    expect(await run.outcome).toEqual({ status: 'cancelled' })
  })

  it('leaves a start in flight to the transport, which fails the calls in flight itself', async () => {
    const engine = fakeEngine()
    const { seen, handlers } = recorder()
    const starting = tracker.start(engine.call, handlers)
    useAppStore.getState().setConnection({ status: 'reconnecting', attempt: 1 })
    expect(seen).toEqual([])
    // Had the answer come anyway, the run is real and followed.
    engine.answer('run-2')
    await starting
    tracker.receiveProgress(progress('run-2', 1))
    expect(seen).toEqual(['started run-2', 'progress 1'])
  })
})
