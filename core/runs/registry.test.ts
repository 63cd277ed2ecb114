import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type EventName, longRun } from '../../shared/contract/index.js'
import { EngineError } from '../api/errors.js'
import { EventBus } from '../events/bus.js'
import { createLogger } from '../log/logger.js'
import { MAX_RUNS_PER_CALLER, RunRegistry } from './registry.js'

// A long operation of its own: the registry is generic over the job's schemas.
const countRun = longRun({
  request: z.object({ to: z.number() }).strict(),
  progress: z.object({ at: z.number().int() }).strict(),
  result: z.object({ total: z.number().int() }).strict(),
  summary: 'count',
})
const kind = {
  run: countRun,
  progressEvent: 'test.progress' as EventName,
  finishedEvent: 'test.finished' as EventName,
  label: 'count',
}

function setup() {
  const events = new EventBus()
  const heard: { event: string; payload: unknown }[] = []
  for (const event of [kind.progressEvent, kind.finishedEvent, 'log' as EventName])
    events.on(event, (payload) => heard.push({ event, payload }))
  const registry = new RunRegistry(events, createLogger(events))
  const finished = () =>
    new Promise<{ runId: string; outcome: { status: string } & Record<string, unknown> }>((resolve) =>
      events.on(kind.finishedEvent, (p) => resolve(p as never)),
    )
  return { registry, heard, finished }
}

const alice = { id: 'web:1' }
const bob = { id: 'web:2' }

describe('RunRegistry', () => {
  it('returns the run id before any event, then progress and one result, all tagged', async () => {
    const { registry, heard, finished } = setup()
    const done = finished()
    const { runId } = registry.start(kind, alice, async ({ progress }) => {
      progress({ at: 1 })
      progress({ at: 2 })
      return { total: 2 }
    })
    expect(runId).toMatch(/^run-[0-9a-f]{12}$/)
    expect(heard).toEqual([])
    expect(await done).toEqual({ runId, outcome: { status: 'done', result: { total: 2 } } })
    expect(heard.filter((h) => h.event === kind.progressEvent).map((h) => h.payload)).toEqual([
      { runId, progress: { at: 1 } },
      { runId, progress: { at: 2 } },
    ])
    expect(registry.size).toBe(0)
  })

  it('cancels on request of its owner only, and the work sees the signal', async () => {
    const { registry, finished } = setup()
    const done = finished()
    let sawAbort = false
    const { runId } = registry.start(kind, alice, ({ signal }) => {
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => {
          sawAbort = true
          reject(new Error('aborted'))
        }),
      )
    })
    await new Promise((r) => setImmediate(r))
    expect(registry.cancel(runId, bob)).toBe(false)
    expect(registry.cancel(runId, alice)).toBe(true)
    expect((await done).outcome).toEqual({ status: 'cancelled' })
    expect(sawAbort).toBe(true)
    expect(registry.cancel(runId, alice)).toBe(false)
  })

  it('cancels what a caller started when it goes away, and nothing else', async () => {
    const { registry } = setup()
    const forever = ({ signal }: { signal: AbortSignal }) =>
      new Promise<{ total: number }>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('x'))),
      )
    registry.start(kind, alice, forever)
    registry.start(kind, alice, forever)
    registry.start(kind, bob, forever)
    expect(registry.releaseCaller(alice)).toBe(2)
    await new Promise((r) => setTimeout(r, 10))
    expect(registry.size).toBe(1)
    await registry.dispose()
    expect(registry.size).toBe(0)
  })

  it('turns a result outside its schema into a failure, logged, never emitted as done', async () => {
    const { registry, heard, finished } = setup()
    const done = finished()
    registry.start(kind, alice, async () => ({ total: 'many' }) as unknown as { total: number })
    const outcome = (await done).outcome
    expect(outcome.status).toBe('failed')
    expect(outcome.error).toMatchObject({ code: 'internal' })
    expect(heard.some((h) => h.event === 'log' && JSON.stringify(h.payload).includes('did not match'))).toBe(
      true,
    )
  })

  it('drops progress outside its schema', async () => {
    const { registry, heard, finished } = setup()
    const done = finished()
    registry.start(kind, alice, async ({ progress }) => {
      progress({ at: 1.5 })
      return { total: 0 }
    })
    await done
    expect(heard.filter((h) => h.event === kind.progressEvent)).toEqual([])
  })

  it('passes an EngineError sentence through and hides an unexpected one', async () => {
    const { registry, finished } = setup()
    let done = finished()
    registry.start(kind, alice, async () => {
      throw new EngineError('unavailable', 'The DNS server did not answer.')
    })
    expect((await done).outcome).toEqual({
      status: 'failed',
      error: { code: 'unavailable', message: 'The DNS server did not answer.' },
    })
    done = finished()
    registry.start(kind, alice, async () => {
      throw new TypeError('secret internals')
    })
    const outcome = (await done).outcome as unknown as { error: { message: string } }
    expect(outcome.error.message).not.toContain('secret internals')
  })

  it(`refuses more than ${MAX_RUNS_PER_CALLER} runs at once from one caller`, async () => {
    const { registry } = setup()
    const forever = ({ signal }: { signal: AbortSignal }) =>
      new Promise<{ total: number }>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('x'))),
      )
    for (let i = 0; i < MAX_RUNS_PER_CALLER; i++) registry.start(kind, alice, forever)
    expect(() => registry.start(kind, alice, forever)).toThrow(EngineError)
    expect(() => registry.start(kind, bob, forever)).not.toThrow()
    await registry.dispose()
  })
})
