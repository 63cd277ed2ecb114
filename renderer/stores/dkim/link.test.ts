// A folder or mbox run when the link to the engine drops: the engine cancels a gone window's
// runs, so the page says so at once instead of showing "verifying" forever.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Client, INLINE_MESSAGE_MAX_BYTES } from '../../../shared/contract/index.js'
import { setClient, setMessageSender } from '../../client.js'
import { createInlineSender } from '../../transport/message-sender.js'
import { useAppStore } from '../app.js'
import { useDkimStore } from './index.js'
import { LINK_LOST } from './slot.js'

/** A client whose dkim.batch and dkim.archive answer run ids at once, and never finish. */
function fakeEngine() {
  const cancelled: string[] = []
  setClient({
    api: {
      dkim: {
        batch: async () => ({ runId: 'run-1' }),
        archive: async () => ({ runId: 'run-2' }),
      },
      runs: {
        cancel: async ({ runId }: { runId: string }) => {
          cancelled.push(runId)
          return { runId, cancelled: true }
        },
      },
    },
    on: () => () => {},
  } as unknown as Client)
  setMessageSender({
    ...createInlineSender(INLINE_MESSAGE_MAX_BYTES),
    sendArchive: async (_file, name) => ({ kind: 'upload', uploadId: `up-${'a'.repeat(32)}`, name }),
  })
  return { cancelled }
}

const message = { name: 'a.eml', size: 10, bytes: async () => new TextEncoder().encode('Subject: a\r\n\r\n') }

async function until(check: () => boolean) {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 0))
  expect(check()).toBe(true)
}

const dropLink = () => useAppStore.getState().setConnection({ status: 'reconnecting', attempt: 1 })

beforeEach(() => useAppStore.getState().setConnection({ status: 'connected' }))

afterEach(() => {
  useDkimStore.getState().reset()
  useAppStore.getState().reset()
  setClient(null)
  setMessageSender(null)
})

describe('a DKIM run when the link drops', () => {
  it('ends a folder run with a sentence', async () => {
    fakeEngine()
    const running = useDkimStore.getState().verifyFiles([message])
    await until(() => useDkimStore.getState().batch.runId === 'run-1')
    dropLink()
    expect(await running).toEqual({ ok: false, message: LINK_LOST })
    expect(useDkimStore.getState().batch).toMatchObject({ status: 'failed', error: LINK_LOST })
  })

  it('ends an mbox run with a sentence', async () => {
    fakeEngine()
    const running = useDkimStore.getState().verifyMbox(new File(['From a@example.org\n\nhi\n'], 'in.mbox'))
    await until(() => useDkimStore.getState().batch.runId === 'run-2')
    dropLink()
    expect(await running).toEqual({ ok: false, message: LINK_LOST })
    expect(useDkimStore.getState().batch).toMatchObject({ kind: 'mbox', status: 'failed', error: LINK_LOST })
  })

  it('shows a run the user was cancelling as cancelled', async () => {
    const engine = fakeEngine()
    const running = useDkimStore.getState().verifyFiles([message])
    await until(() => useDkimStore.getState().batch.runId === 'run-1')
    await useDkimStore.getState().cancelBatch()
    expect(engine.cancelled).toEqual(['run-1'])
    dropLink()
    expect(await running).toEqual({ ok: true })
    expect(useDkimStore.getState().batch.status).toBe('cancelled')
  })
})
