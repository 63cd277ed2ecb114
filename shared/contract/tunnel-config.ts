// A tunnel as the user configured it (persisted in settings). Owned by the tunnel job.
import { z } from 'zod'

export const TunnelConfig = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,64}$/),
    name: z.string().min(1).max(100),
    listenHost: z.string().min(1).max(64).default('127.0.0.1'),
    listenPort: z.number().int().min(0).max(65535),
    upstreamHost: z.string().min(1).max(253),
    upstreamPort: z.number().int().min(1).max(65535),
    mode: z.enum(['implicit', 'starttls']),
    protocol: z.enum(['imap', 'pop3', 'smtp']),
    /** sha256/BASE64 of the upstream's public key, set only with the user's consent. */
    pin: z
      .string()
      .regex(/^sha256\/[A-Za-z0-9+/]{43}=$/)
      .nullable()
      .default(null),
    caFile: z.string().max(4096).nullable().default(null),
    autoStart: z.boolean().default(false),
  })
  .strict()
export type TunnelConfig = z.infer<typeof TunnelConfig>
