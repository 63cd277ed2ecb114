// Where a message to verify comes from. Bytes travel as base64 (JSON carries no binary, and a
// decoded string would lose the exact bytes DKIM hashes) or, from a browser tab, as an upload:
// the WebSocket is capped at 1 MiB, so a larger message is POSTed to the web host first (with the
// launch token) and named here by the id the host gave it. An upload is used once, then deleted.
import { z } from 'zod'

/** The largest message a browser tab sends inline over the WebSocket (its cap is 1 MiB after base64). */
export const INLINE_MESSAGE_MAX_BYTES = 700 * 1024

/**
 * The largest message a front door hands over, inline (desktop IPC has no 1 MiB cap) or uploaded:
 * far above real mail (providers cap at 25 to 50 MB), low enough that one message cannot exhaust memory.
 */
export const MESSAGE_SOURCE_MAX_BYTES = 64 * 1024 * 1024

/** Where the web host takes uploads: POST only, the token in the Authorization header. */
export const UPLOAD_PATH = '/upload'

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
