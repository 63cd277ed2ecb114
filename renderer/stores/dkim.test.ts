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
  isMbox,
  type MessageFile,
  planSlices,
  sortRows,
  useDkimStore,
} from './dkim/index.js'

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
    findings: { bad: 0, warn: 0, info: 0 },
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

  it('keeps an older folder’s unreadable files out of a newer folder’s table, and its run alive', async () => {
    const engine = fakeEngine()
    const store = useDkimStore.getState()
    // The older folder is still reading a file when the newer one is dropped.
    let failRead: (reason: Error) => void = () => {}
    const slow: MessageFile = {
      name: 'old-slow.eml',
      size: 10,
      bytes: () => new Promise((_, reject) => (failRead = reject)),
    }
    const older = store.verifyFiles([file('old-a.eml', 10), slow])
    await tick()
    const newer = store.verifyFiles([file('new-a.eml', 10)])
    await until(() => useDkimStore.getState().batch.runId === 'run-1')
    let olderEnded = false
    void older.then(() => (olderEnded = true))
    failRead(new Error('The file could not be read.'))
    // The older folder either ends (as it should) or goes on with a call of its own.
    await until(() => olderEnded || engine.calls.length > 1)
    expect(useDkimStore.getState().batch.rows).toEqual([])
    expect(engine.calls).toHaveLength(1)
    expect(engine.cancelled).toEqual([])
    expect(await older).toEqual({ ok: true })
    expect(useDkimStore.getState().batch.runId).toBe('run-1')
    store.receiveFinished({
      runId: 'run-1',
      outcome: { status: 'done', result: { rows: [row('new-a.eml', 'pass', null)] } },
    })
    expect(await newer).toEqual({ ok: true })
    expect(useDkimStore.getState().batch.rows.map((r) => r.name)).toEqual(['new-a.eml'])
    // The older folder never started a run of its own.
    expect(engine.calls.map((c) => c.messages.map((m) => m.name))).toEqual([['new-a.eml']])
  })
})

/** A client whose dkim.archive records its calls, and a sender that "uploads" a File by name. */
function fakeArchiveEngine(options: { holdUpload?: boolean } = {}) {
  const archiveCalls: { archive: { name: string }; keys?: string | null }[] = []
  const sent: string[] = []
  const cancelled: string[] = []
  let releaseUpload: (() => void) | null = null
  const api = {
    dkim: {
      archive: async (request: { archive: { name: string }; keys?: string | null }) => {
        archiveCalls.push(request)
        return { runId: 'run-7' }
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
  setMessageSender({
    ...createInlineSender(INLINE_MESSAGE_MAX_BYTES),
    async sendArchive(file, name, signal) {
      sent.push(name)
      if (options.holdUpload)
        await new Promise<void>((resolve, reject) => {
          releaseUpload = resolve
          signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
        })
      expect(file.size).toBeGreaterThan(0)
      return { kind: 'upload', uploadId: `up-${'a'.repeat(32)}`, name }
    },
  })
  return { archiveCalls, sent, cancelled, release: () => releaseUpload?.() }
}

const mboxFile = (name = 'inbox.mbox') =>
  new File(
    [new TextEncoder().encode('From a@example.org Tue Dec  1 10:00:00 2026\nSubject: x\n\nhi\n')],
    name,
  )

const progressOf = (first: number, names: string[], done = first + names.length) => ({
  runId: 'run-7' as const,
  progress: {
    done,
    bytesRead: done * 100,
    totalBytes: 1000,
    name: names.at(-1) ?? '',
    first,
    rows: names.map((n) => row(n, 'pass', null)),
  },
})

describe('an mbox run', () => {
  it('tells an mbox from a message by its first line', async () => {
    expect(await isMbox(mboxFile())).toBe(true)
    expect(await isMbox(new File(['From: a@example.org\r\n\r\nhi'], 'a.eml'))).toBe(false)
    expect(await isMbox(new File(['Fro'], 'short'))).toBe(false)
    // "From " is not enough: a forged first header line is a message the verifier must see whole.
    expect(await isMbox(new File(['From : ceo@bank.example\nFrom: a@example.org\n\nhi'], 'forged'))).toBe(
      false,
    )
    expect(await isMbox(new File(['From ceo@bank.example\nFrom: a@example.org\n\nhi'], 'forged.mbox'))).toBe(
      false,
    )
    // A .eml is one message even after a real From_ line.
    expect(await isMbox(mboxFile('saved.eml'))).toBe(false)
  })

  it('sends the file whole, passes the key records, and takes rows from progress (early ones too)', async () => {
    const engine = fakeArchiveEngine()
    const store = useDkimStore.getState()
    store.setOptions({ keys: 'sel._domainkey.example.org v=DKIM1; p=abc' })
    const running = store.openFile(mboxFile())
    await until(() => engine.archiveCalls.length === 1)
    expect(engine.sent).toEqual(['inbox.mbox'])
    expect(engine.archiveCalls[0]).toMatchObject({
      archive: { name: 'inbox.mbox' },
      keys: 'sel._domainkey.example.org v=DKIM1; p=abc',
    })
    await until(() => useDkimStore.getState().batch.runId === 'run-7')
    store.receiveArchiveProgress(progressOf(0, ['inbox.mbox@0', 'inbox.mbox@10']))
    // The same event again adds nothing; a later one appends.
    store.receiveArchiveProgress(progressOf(0, ['inbox.mbox@0', 'inbox.mbox@10']))
    store.receiveArchiveProgress(progressOf(2, ['inbox.mbox@20']))
    expect(useDkimStore.getState().batch).toMatchObject({
      kind: 'mbox',
      done: 3,
      bytesRead: 300,
      totalBytes: 1000,
    })
    store.receiveArchiveFinished({
      runId: 'run-7',
      outcome: {
        status: 'done',
        result: { messages: 3, listed: 3, alignedPass: 3, notPassing: 0, unusable: 0 },
      },
    })
    expect(await running).toEqual({ ok: true })
    const { batch, status } = useDkimStore.getState()
    expect(status).toBe('idle')
    expect(batch.status).toBe('done')
    expect(batch.rows.map((r) => r.name)).toEqual(['inbox.mbox@0', 'inbox.mbox@10', 'inbox.mbox@20'])
    expect(batch.summary?.messages).toBe(3)
  })

  it('counts rows that never arrived instead of pretending', async () => {
    fakeArchiveEngine()
    const store = useDkimStore.getState()
    const running = store.verifyMbox(mboxFile())
    await until(() => useDkimStore.getState().batch.runId === 'run-7')
    store.receiveArchiveProgress(progressOf(0, ['inbox.mbox@0']))
    store.receiveArchiveProgress(progressOf(3, ['inbox.mbox@30']))
    expect(useDkimStore.getState().batch.missedRows).toBe(2)
    store.receiveArchiveFinished({ runId: 'run-7', outcome: { status: 'cancelled' } })
    await running
    expect(useDkimStore.getState().batch.status).toBe('cancelled')
  })

  it('stops the upload itself when cancelled while sending, and starts no run', async () => {
    const engine = fakeArchiveEngine({ holdUpload: true })
    const store = useDkimStore.getState()
    const running = store.verifyMbox(mboxFile())
    await until(() => engine.sent.length === 1)
    expect(useDkimStore.getState().batch).toMatchObject({ status: 'running', phase: 'sending' })
    await store.cancelBatch()
    expect(await running).toEqual({ ok: true })
    expect(useDkimStore.getState().batch.status).toBe('cancelled')
    expect(engine.archiveCalls).toHaveLength(0)
  })

  it('says so when the link has no way to send an mbox', async () => {
    fakeEngine()
    const result = await useDkimStore.getState().verifyMbox(mboxFile())
    expect(result.ok).toBe(false)
    expect(useDkimStore.getState().batch.error).toMatch(/mailwarden dkim verify/)
  })
})
