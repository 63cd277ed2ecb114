// A saved account: where its servers are and which client it is set up in. Never a password:
// that lives in the OS keychain under `secretAccount`. Owned by the probe job.
import { z } from 'zod'

export const MailProtocol = z.enum(['imap', 'pop3', 'smtp'])
export type MailProtocol = z.infer<typeof MailProtocol>

export const SavedServer = z
  .object({
    protocol: MailProtocol,
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    security: z.enum(['implicit-tls', 'starttls', 'plaintext']),
    /** SHA-256 of the certificate last seen, to call out a change on re-check. */
    lastFingerprintSha256: z.string().max(200).nullable().default(null),
  })
  .strict()
export type SavedServer = z.infer<typeof SavedServer>

export const SavedAccount = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,64}$/),
    label: z.string().min(1).max(200),
    /** What the user typed: an address, domain or host. */
    target: z.string().min(1).max(320),
    client: z.string().max(40),
    servers: z.array(SavedServer).max(32),
    /** Keychain entry name holding the password, when the user gave one. */
    secretAccount: z.string().max(256).nullable().default(null),
    savedAt: z.string(),
    lastCheckedAt: z.string().nullable().default(null),
  })
  .strict()
export type SavedAccount = z.infer<typeof SavedAccount>
