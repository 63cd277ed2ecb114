// Where a message to verify comes from. Bytes travel as base64 (JSON carries no binary, and a
// decoded string would lose the exact bytes DKIM hashes) or, from a browser tab, as an upload:
// the WebSocket is capped at 1 MiB, so a larger message is POSTed to the web host first (with the
// launch token) and named here by the id the host gave it. An upload is used once, then deleted.
// Whether a file is one message or an mbox is message-kind.ts (no zod: the verifier threads use it).
import { z } from 'zod'
import type { Envelope } from './envelope.js'

/** The largest message a browser tab sends inline over the WebSocket (its cap is 1 MiB after base64). */
export const INLINE_MESSAGE_MAX_BYTES = 700 * 1024

/**
 * The largest message a front door hands over, inline (desktop IPC has no 1 MiB cap) or uploaded:
 * far above real mail (providers cap at 25 to 50 MB), low enough that one message cannot exhaust memory.
 */
export const MESSAGE_SOURCE_MAX_BYTES = 64 * 1024 * 1024

/** Where the web host takes uploads: POST only, the token in the Authorization header. */
export const UPLOAD_PATH = '/upload'

/**
 * The largest archive (an mbox) the web host takes: streamed to a temporary file as it arrives,
 * never into memory, and read from there a message at a time. Far above a person's mailbox export,
 * low enough that two waiting uploads cannot fill a small disk. (The desktop app reads the user's
 * own file in place, so it copies nothing and needs no such bound.)
 */
export const ARCHIVE_UPLOAD_MAX_BYTES = 2 * 1024 * 1024 * 1024

/** Where the web host takes archive uploads: the same guards as UPLOAD_PATH, its own bound and store. */
export const ARCHIVE_UPLOAD_PATH = '/upload/archive'

/** The desktop preload's one extra route: names a file the user picked or dropped (see ArchiveRegistrar). */
export const ARCHIVE_IPC_CHANNEL = 'mailwarden:archive.register'

/** An upload id: "up-" and 32 hex digits (128 random bits, unguessable). */
export const UploadId = z.string().regex(/^up-[0-9a-f]{32}$/, 'an upload id looks like up- and 32 hex digits')
export type UploadId = z.infer<typeof UploadId>

/** What the web host answers to a successful upload. */
export const UploadReceipt = z
  .object({ uploadId: UploadId, size: z.number().int().nonnegative(), expiresAt: z.string() })
  .strict()
export type UploadReceipt = z.infer<typeof UploadReceipt>

const Name = z.string().max(300)

export const MessageSource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('base64'),
      /** A name to show (the file name, or "pasted message"). */
      name: Name,
      data: z
        .string()
        .max(Math.ceil(MESSAGE_SOURCE_MAX_BYTES / 3) * 4)
        .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'data must be base64'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('upload'),
      /** The id the web host answered to the upload (valid for minutes, used once). */
      uploadId: UploadId,
      name: Name,
    })
    .strict(),
])
export type MessageSource = z.infer<typeof MessageSource>

/**
 * An archive (an mbox) to verify: always a file the host holds, named by an id. From a browser
 * tab it is an upload to ARCHIVE_UPLOAD_PATH; in the desktop app, the file the user picked,
 * registered by the preload (the page never names a path). Used once; deleted after the run when
 * it was a copy.
 */
export const ArchiveSource = z
  .object({
    kind: z.literal('upload'),
    uploadId: UploadId,
    /** The file's name, to show and to name each message's row ("inbox.mbox@1234"). */
    name: Name,
  })
  .strict()
export type ArchiveSource = z.infer<typeof ArchiveSource>

/**
 * The desktop bridge's archive route (optional on DesktopBridge): `file` is a File the user picked
 * or dropped; the preload asks Electron for its path (webUtils.getPathForFile) and the main process
 * registers that file in place. A File the page made up has no path and is refused.
 */
export interface ArchiveRegistrar {
  register(file: object): Promise<Envelope<UploadReceipt>>
}
