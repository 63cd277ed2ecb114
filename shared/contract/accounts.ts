// A saved account: where its servers are, which client it is set up in, and what was seen last
// time (to call out a change on re-check). Never a password: that lives in the OS keychain under
// `secretAccount`. Owned by the probe job; its operations are in probe-accounts.ts. Fields added
// after the first version are optional (absent in older files, and absent stays absent).
import { z } from 'zod'
import { MailProtocol, Port, TransportSecurity, Verdict } from './mail.js'

/** Upper-case hex pairs with colons, as `openssl x509 -fingerprint -sha256` prints them. */
export const Sha256Fingerprint = z
  .string()
  .regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/, 'a SHA-256 fingerprint is 32 hex pairs separated by colons')

export const SavedServer = z
  .object({
    protocol: MailProtocol,
    host: z.string().min(1).max(253),
    port: Port,
    security: TransportSecurity,
    /** SHA-256 of the certificate last seen, to call out a change on re-check. */
    lastFingerprintSha256: z.string().max(200).nullable().default(null),
    /** A certificate the user chose to trust although no CA vouches for it (self-signed): its SHA-256. */
    pinnedFingerprintSha256: Sha256Fingerprint.nullable().optional(),
    /** The verdict and the warn/bad finding ids of the last check, to call out a newly failing one. */
    lastVerdict: Verdict.nullable().optional(),
    lastProblemIds: z.array(z.string().max(80)).max(64).optional(),
  })
  .strict()
export type SavedServer = z.infer<typeof SavedServer>

export const AccountId = z
  .string()
  .regex(/^[a-z0-9-]{1,64}$/, 'an account id is lower-case letters, digits and dashes')

export const SavedAccount = z
  .object({
    id: AccountId,
    label: z.string().min(1).max(200),
    /** What the user typed: an address, domain or host. */
    target: z.string().min(1).max(320),
    client: z.string().max(40),
    /** The login name for "test login" (often the address); null: none given. */
    username: z.string().max(320).nullable().optional(),
    servers: z.array(SavedServer).max(32),
    /** Keychain entry name holding the password, when the user gave one. */
    secretAccount: z.string().max(256).nullable().default(null),
    savedAt: z.string(),
    lastCheckedAt: z.string().nullable().default(null),
  })
  .strict()
export type SavedAccount = z.infer<typeof SavedAccount>
