// Where a message to verify comes from. Bytes travel as base64 (JSON carries no binary, and a
// decoded string would lose the exact bytes DKIM hashes). Larger messages than the WebSocket cap
// take another way (added by the DKIM UI work).
import { z } from 'zod'

/** The largest message accepted inline; the DKIM engine has its own, larger bound for files. */
export const INLINE_MESSAGE_MAX_BYTES = 700 * 1024

export const MessageSource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('base64'),
      /** A name to show (the file name, or "pasted message"). */
      name: z.string().max(300),
      data: z
        .string()
        .max(Math.ceil(INLINE_MESSAGE_MAX_BYTES / 3) * 4)
        .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'data must be base64'),
    })
    .strict(),
])
export type MessageSource = z.infer<typeof MessageSource>
