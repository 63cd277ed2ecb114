// The desktop app's one route outside the contract's operations: the page hands the preload a
// File the user picked or dropped (an mbox, maybe gigabytes), the preload asks Electron for its
// path (webUtils.getPathForFile: empty for a File the page made up), and this handler registers
// that file in place in the archive store. The page then names the id in `dkim.archive`, exactly
// as a browser tab names its upload. Nothing is copied and the user's file is never deleted.

import { UploadRefusedError, type UploadStore } from '../core/uploads/store.js'
import { ARCHIVE_IPC_CHANNEL, type Envelope, type UploadReceipt } from '../shared/contract/index.js'
import type { InvokeEventLike, IpcMainLike } from './ipc.js'
import { isTrustedSender } from './sender.js'

/** A path longer than this is no path a file picker gives (and not worth a stat). */
export const MAX_ARCHIVE_PATH_CHARS = 4096

type Handler = (event: InvokeEventLike, payload: unknown) => Promise<Envelope<UploadReceipt>>

export function archiveHandler(
  store: UploadStore,
  log: { warn(source: string, message: string): void },
): Handler {
  return async (event, payload) => {
    if (!isTrustedSender(event.senderFrame)) {
      log.warn('electron', 'Refused an archive registration from a frame that is not the app’s page.')
      return {
        ok: false,
        error: { code: 'forbidden', message: 'Only Mailwarden’s own page may open an mbox.' },
      }
    }
    if (typeof payload !== 'string' || payload === '' || payload.length > MAX_ARCHIVE_PATH_CHARS) {
      return {
        ok: false,
        error: {
          code: 'invalid-request',
          message: 'That file has no place on disk Mailwarden can read; choose it again.',
        },
      }
    }
    try {
      const upload = await store.adopt(payload)
      return {
        ok: true,
        value: {
          uploadId: upload.id,
          size: upload.size,
          expiresAt: new Date(upload.expiresAt).toISOString(),
        },
      }
    } catch (error) {
      const message =
        error instanceof UploadRefusedError ? error.message : 'The mbox could not be opened; choose it again.'
      return { ok: false, error: { code: 'invalid-request', message } }
    }
  }
}

/** Registers the route; the returned function removes it. */
export function registerArchiveRoute(
  ipcMain: IpcMainLike,
  store: UploadStore,
  log: { warn(source: string, message: string): void },
): () => void {
  ipcMain.handle(ARCHIVE_IPC_CHANNEL, archiveHandler(store, log) as Parameters<IpcMainLike['handle']>[1])
  return () => ipcMain.removeHandler(ARCHIVE_IPC_CHANNEL)
}
