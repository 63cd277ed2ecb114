// The desktop archive route without Electron: only the app's page may register a file, only a
// regular file by an absolute path is taken, and the file is read in place and never deleted.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { UploadStore } from '../core/uploads/store.js'
import { ARCHIVE_IPC_CHANNEL, type Envelope, type UploadReceipt } from '../shared/contract/index.js'
import { archiveHandler, registerArchiveRoute } from './archive-route.js'

const APP = { senderFrame: { url: 'app://mailwarden/index.html' } }
const log = { warn: () => {} }

let dir: string
let store: UploadStore
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mw-archive-route-'))
  store = new UploadStore({ tmpDir: dir, maxStored: 2, noun: 'mbox' })
})
afterEach(async () => {
  await store.close()
  await rm(dir, { recursive: true, force: true })
})

describe('the desktop archive route', () => {
  it('registers the user’s file in place: claimed once, never deleted', async () => {
    const file = path.join(dir, 'inbox.mbox')
    await writeFile(file, 'From a@example.org Tue Dec  1 10:00:00 2026\n\n')
    const reply = (await archiveHandler(store, log)(APP, file)) as Envelope<UploadReceipt>
    if (!reply.ok) throw new Error(reply.error.message)
    const claimed = store.claim(reply.value.uploadId)
    if (!claimed.ok) throw new Error(claimed.reason)
    expect(claimed.file).toBe(file)
    expect(await readFile(claimed.file, 'utf8')).toMatch(/^From /)
    await claimed.release()
    expect((await stat(file)).isFile()).toBe(true)
    expect(store.size).toBe(0)
  })

  it('refuses another frame, a non-path, a folder and a missing file', async () => {
    const handler = archiveHandler(store, log)
    expect(
      await handler({ senderFrame: { url: 'https://evil.example/' } }, path.join(dir, 'x')),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    expect(await handler(APP, 42)).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
    expect(await handler(APP, 'relative/inbox.mbox')).toMatchObject({ ok: false })
    expect(await handler(APP, dir)).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/not a file/) },
    })
    expect(await handler(APP, path.join(dir, 'missing.mbox'))).toMatchObject({ ok: false })
    expect(store.size).toBe(0)
  })

  it('is registered on its one channel and removed again', () => {
    const channels: string[] = []
    const ipcMain = {
      handle: (channel: string) => void channels.push(channel),
      removeHandler: (channel: string) => void channels.splice(channels.indexOf(channel), 1),
    }
    const dispose = registerArchiveRoute(ipcMain, store, log)
    expect(channels).toEqual([ARCHIVE_IPC_CHANNEL])
    dispose()
    expect(channels).toEqual([])
  })
})
