// The DKIM store's own logic: how a folder is cut into calls, how the table sorts, and how a
// batch follows its runs' events (early finished events, cancel). The engine is stood in for by a
// client whose dkim.batch answers run ids; the real engine is exercised by e2e/ui/dkim.spec.ts.
import { afterEach, describe, expect, it } from 'vitest'
import {
  type Client,
  DKIM_BATCH_MAX_MESSAGES,
  type DkimBatchRow,
  INLINE_MESSAGE_MAX_BYTES,
  type MessageSource,
} from '../../shared/contract/index.js'
import { setClient, setMessageSender } from '../client.js'
import { createInlineSender } from '../transport/message-sender.js'
import {
  asOfInstant,
  BATCH_UPLOADS_PER_SLICE,
  type MessageFile,
  planSlices,
  sortRows,
  useDkimStore,
} from './dkim.js'

const web = { inlineMaxBytes: INLINE_MESSAGE_MAX_BYTES, uploads: true }

function file(name: string, size: number): MessageFile {
  return { name, size, bytes: async () => new TextEncoder().encode(`Subject: ${name}\r\n\r\n`) }
}

function row(
  name: string,
  verdict: DkimBatchRow['verdict'],
  from: string | null,
  domain?: string,
): DkimBatchRow {
  return {
    name,
    verdict,
    alignedPass: verdict === 'pass',
    from,
    domains: domain ? [domain] : [],
    signatures: domain ? 1 : 0,
    findings: { critical: 0, warning: 0, info: 0 },
    error: null,
  }
}

afterEach(() => {
  useDkimStore.getState().reset()
  setClient(null)
  setMessageSender(null)
})

describe('planSlices', () => {
  it('keeps the inline bytes of each call within the WebSocket’s share', () => {
    const files = Array.from({ length: 10 }, (_, i) => file(`m${i}.eml`, 200 * 1024))
    const slices = planSlices(files, web)
    expect(slices.map((s) => s.files.length)).toEqual([3, 3, 3, 1])
    for (const slice of slices) {
      expect(slice.files.reduce((sum, f) => sum + f.size, 0)).toBeLessThanOrEqual(INLINE_MESSAGE_MAX_BYTES)
    }
  })

  it('sends few uploads per call, and no more messages than a batch takes', () => {
    const big = Array.from({ length: 9 }, (_, i) => file(`big${i}.eml`, 5 * 1024 * 1024))
    expect(planSlices(big, web).map((s) => s.files.length)).toEqual([
      BATCH_UPLOADS_PER_SLICE,
      BATCH_UPLOADS_PER_SLICE,
      1,
    ])
    const tiny = Array.from({ length: DKIM_BATCH_MAX_MESSAGES + 1 }, (_, i) => file(`t${i}.eml`, 10))
    expect(planSlices(tiny, web).map((s) => s.files.length)).toEqual([DKIM_BATCH_MAX_MESSAGES, 1])
  })

  it('keeps every file exactly once, in order', () => {
    const files = [file('a', 10), file('b', 900 * 1024), file('c', 600 * 1024), file('d', 200 * 1024)]
    const slices = planSlices(files, web)
    expect(slices.flatMap((s) => s.files.map((f) => f.name))).toEqual(['a', 'b', 'c', 'd'])
  })
})

describe('sortRows', () => {
  const rows = [
    row('b.eml', 'fail', 'Zed <z@b.example>', 'b.example'),
    row('a.eml', 'pass', 'amy@a.example', 'a.example'),
    row('c.eml', 'none', null),
    row('d.eml', 'pass', 'bob@c.example', 'c.example'),
  ]
  it('sorts by verdict (best first), then by name', () => {
    expect(sortRows(rows, { key: 'verdict', ascending: true }).map((r) => r.name)).toEqual([
      'a.eml',
      'd.eml',
      'b.eml',
      'c.eml',
    ])
    expect(sortRows(rows, { key: 'verdict', ascending: false }).map((r) => r.name)).toEqual([
      'c.eml',
      'b.eml',
      'a.eml',
      'd.eml',
    ])
  })
  it('sorts by From, domain and name', () => {
    expect(sortRows(rows, { key: 'from', ascending: true }).map((r) => r.name)).toEqual([
      'c.eml',
      'a.eml',
      'd.eml',
      'b.eml',
    ])
    expect(sortRows(rows, { key: 'domain', ascending: false }).map((r) => r.name)).toEqual([
      'd.eml',
      'b.eml',
      'a.eml',
      'c.eml',
    ])
    expect(sortRows(rows, { key: 'name', ascending: true }).map((r) => r.name)).toEqual([
      'a.eml',
      'b.eml',
      'c.eml',
      'd.eml',
    ])
  })
})

describe('asOfInstant', () => {
  it('turns a chosen day into midnight UTC, and empty or nonsense into nothing', () => {
    expect(asOfInstant('2020-01-01')).toBe('2020-01-01T00:00:00.000Z')
    expect(asOfInstant('')).toBeNull()
    expect(asOfInstant('not a date')).toBeNull()
  })
})

/** A client whose dkim.batch records each call and answers a fresh run id. */
function fakeEngine() {
  const calls: { messages: MessageSource[] }[] = []
  const cancelled: string[] = []
  let next = 0
  const api = {
    dkim: {
      batch: async (request: { messages: MessageSource[] }) => {
        calls.push(request)
        return { runId: `run-${++next}` }
      },
    },
    runs: {
      cancel: async ({ runId }: { runId: string }) => {
        cancelled.push(runId)
        return { runId, cancelled: true }
      },
    },
  }
  setClient({ api, on: () => () => {} } as unknown as Client)
  setMessageSender(createInlineSender(INLINE_MESSAGE_MAX_BYTES))
  return { calls, cancelled }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

async function until(check: () => boolean) {
  for (let i = 0; i < 100 && !check(); i++) await tick()
  expect(check()).toBe(true)
}

describe('a folder run', () => {
  it('follows each slice’s run to its finished event, even one that arrives before the run id', async () => {
    const engine = fakeEngine()
    const store = useDkimStore.getState()
    // Two slices: 4 × 300 KiB does not fit one call.
    const files = ['a', 'b', 'c', 'd'].map((n) => file(`${n}.eml`, 300 * 1024))
    // The first run's finished event arrives before dkim.batch's answer is read.
    store.receiveFinished({
      runId: 'run-1',
      outcome: { status: 'done', result: { rows: [row('a.eml', 'pass', null), row('b.eml', 'fail', null)] } },
    })
    const running = store.verifyFiles(files)
    await until(() => engine.calls.length === 2)
    store.receiveProgress({ runId: 'run-2', progress: { done: 1, total: 2, name: 'c.eml' } })
    expect(useDkimStore.getState().batch.done).toBe(3)
    expect(useDkimStore.getState().batch.current).toBe('c.eml')
    // Progress of another window's run is ignored.
    store.receiveProgress({ runId: 'run-9', progress: { done: 2, total: 2, name: 'x.eml' } })
    expect(useDkimStore.getState().batch.current).toBe('c.eml')
    store.receiveFinished({
      runId: 'run-2',
      outcome: { status: 'done', result: { rows: [row('c.eml', 'pass', null), row('d.eml', 'none', null)] } },
    })
    expect(await running).toEqual({ ok: true })
    const { batch } = useDkimStore.getState()
    expect(batch.status).toBe('done')
    expect(batch.done).toBe(4)
    expect(batch.rows.map((r) => r.name)).toEqual(['a.eml', 'b.eml', 'c.eml', 'd.eml'])
    expect(engine.calls.map((c) => c.messages.map((m) => m.name))).toEqual([
      ['a.eml', 'b.eml'],
      ['c.eml', 'd.eml'],
    ])
  })

  it('cancels the current run and sends no further slice', async () => {
    const engine = fakeEngine()
    const store = useDkimStore.getState()
    const files = ['a', 'b', 'c', 'd'].map((n) => file(`${n}.eml`, 300 * 1024))
    const running = store.verifyFiles(files)
    await until(() => useDkimStore.getState().batch.runId === 'run-1')
    await store.cancelBatch()
    expect(engine.cancelled).toEqual(['run-1'])
    store.receiveFinished({ runId: 'run-1', outcome: { status: 'cancelled' } })
    await running
    expect(useDkimStore.getState().batch.status).toBe('cancelled')
    expect(engine.calls).toHaveLength(1)
  })

  it('reports a failed run with the engine’s sentence', async () => {
    fakeEngine()
    const store = useDkimStore.getState()
    const running = store.verifyFiles([file('a.eml', 10)])
    await until(() => useDkimStore.getState().batch.runId === 'run-1')
    store.receiveFinished({
      runId: 'run-1',
      outcome: {
        status: 'failed',
        error: { code: 'unavailable', message: 'The DNS server did not answer.' },
      },
    })
    expect(await running).toEqual({ ok: false, message: 'The DNS server did not answer.' })
    expect(useDkimStore.getState().batch).toMatchObject({
      status: 'failed',
      error: 'The DNS server did not answer.',
    })
  })
})
