// Saved accounts (the probe job): save a probed account, list and delete them, "test login" over
// TLS only, re-check them all in one click, and import a Thunderbird profile's settings with an
// audit against a probe. Passwords travel in a request only to be put in the OS keychain (or used
// once for a test login); no response ever carries one.
import { z } from 'zod'
import { AccountId, SavedAccount, Sha256Fingerprint } from './accounts.js'
import { MailProtocol, Port, TransportSecurity, Verdict } from './mail.js'
import { ProbeFinding, ProbeSecurity } from './probe.js'
import { MailClientId, SecretValue } from './schemas.js'

/** Shortest and longest per-step timeout for a login or re-check (tests pass small ones). */
export const ACCOUNT_TIMEOUT_MS = { min: 100, max: 120_000 } as const
/** A Thunderbird prefs.js is at most a few hundred KB; the import refuses more than this. */
export const PREFS_TEXT_MAX = 4 * 1024 * 1024

/** Which server a result is about: the fields every per-server result starts with. */
const serverFields = { protocol: MailProtocol, host: z.string(), port: Port }

const TimeoutMs = z.number().int().min(ACCOUNT_TIMEOUT_MS.min).max(ACCOUNT_TIMEOUT_MS.max)

export const SaveServerInput = z
  .object({
    protocol: MailProtocol,
    host: z.string().trim().min(1).max(253),
    port: Port,
    security: TransportSecurity,
    /** The certificate seen by the probe, remembered to call out a change later. */
    fingerprintSha256: z.string().max(200).nullable().default(null),
    /** Trust this certificate although no CA vouches for it (the user compared it). */
    pinnedFingerprintSha256: Sha256Fingerprint.nullable().default(null),
  })
  .strict()

export const AccountSaveRequest = z
  .object({
    /** Absent: a new account; present: replace that account (its password stays unless given). */
    id: AccountId.optional(),
    label: z.string().trim().min(1, 'give the account a name').max(200),
    target: z.string().trim().min(1).max(320),
    client: MailClientId,
    username: z.string().trim().min(1).max(320).nullable().default(null),
    servers: z.array(SaveServerInput).min(1, 'save at least one server').max(32),
    /** Goes to the OS keychain only. */
    password: SecretValue.optional(),
  })
  .strict()

/** One authentication mechanism tried over TLS, and what the server said. */
export const MechanismResult = z
  .object({
    /** "AUTHENTICATE PLAIN", "LOGIN" (IMAP command), "USER/PASS", "AUTH LOGIN"... */
    mechanism: z.string(),
    /** not-tried: an earlier mechanism was refused; more tries would only look like guessing. */
    outcome: z.enum(['accepted', 'rejected', 'error', 'not-tried']),
    /** The server's reply (never the credentials). */
    reply: z.string(),
  })
  .strict()
export type MechanismResult = z.infer<typeof MechanismResult>

export const LoginResult = z
  .object({
    ...serverFields,
    security: TransportSecurity,
    /** ok: at least one mechanism logged in; failed: all were rejected; refused: not tried (why in message). */
    status: z.enum(['ok', 'failed', 'refused', 'error']),
    /** How the certificate was trusted: a CA, or the user's pin. */
    trustedBy: z.enum(['ca', 'pin']).nullable(),
    tlsVersion: z.string().nullable(),
    fingerprintSha256: z.string().nullable(),
    /** Offered after TLS (SASL names, plus LOGIN / USER where the protocol has them). */
    offered: z.array(z.string()),
    mechanisms: z.array(MechanismResult),
    message: z.string(),
  })
  .strict()
export type LoginResult = z.infer<typeof LoginResult>

export const Callout = z
  .object({
    kind: z.enum([
      'certificate-expiring',
      'certificate-changed',
      'newly-failing',
      'security-changed',
      'unreachable',
    ]),
    message: z.string(),
  })
  .strict()
export type Callout = z.infer<typeof Callout>

export const RecheckServer = z
  .object({
    ...serverFields,
    security: ProbeSecurity,
    verdict: Verdict,
    fingerprintSha256: z.string().nullable(),
    previousFingerprintSha256: z.string().nullable(),
    daysLeft: z.number().int().nullable(),
    findings: z.array(ProbeFinding),
    callouts: z.array(Callout),
  })
  .strict()
export type RecheckServer = z.infer<typeof RecheckServer>

export const RecheckAccount = z
  .object({ id: AccountId, label: z.string(), servers: z.array(RecheckServer), callouts: z.number().int() })
  .strict()
export type RecheckAccount = z.infer<typeof RecheckAccount>

export const ImportedServer = z
  .object({
    key: z.string(),
    ...serverFields,
    /** Thunderbird's label for its setting ("SSL/TLS", "STARTTLS, if available"...). */
    label: z.string(),
    username: z.string().nullable(),
    emails: z.array(z.string()),
  })
  .strict()

export const AuditEntry = z
  .object({
    key: z.string(),
    ...serverFields,
    label: z.string(),
    /** How the setting fares (good: it matches a good endpoint); unchecked: it could not be probed or understood. */
    status: z.enum([...Verdict.options, 'unchecked']),
    /** What the probe found there (null when not probed). */
    found: ProbeSecurity.nullable(),
    verdict: Verdict.nullable(),
    problems: z.array(ProbeFinding),
    /** What to set instead, in the client's words; null when nothing needs changing. */
    advice: z.string().nullable(),
  })
  .strict()
export type AuditEntry = z.infer<typeof AuditEntry>

export const accountOperations = {
  'accounts.list': {
    request: z.object({}).strict(),
    response: z.object({ accounts: z.array(SavedAccount) }).strict(),
    summary: 'The saved accounts (never their passwords).',
  },
  'accounts.save': {
    request: AccountSaveRequest,
    response: z.object({ account: SavedAccount }).strict(),
    summary: 'Save a probed account; a password, if given, goes to the OS keychain only.',
  },
  'accounts.delete': {
    request: z.object({ id: AccountId }).strict(),
    response: z.object({ id: AccountId, deleted: z.boolean(), secretDeleted: z.boolean() }).strict(),
    summary: 'Remove a saved account and its keychain entry.',
  },
  'accounts.testLogin': {
    request: z
      .object({ id: AccountId, password: SecretValue.optional(), timeoutMs: TimeoutMs.optional() })
      .strict(),
    response: z.object({ id: AccountId, results: z.array(LoginResult) }).strict(),
    summary: 'Log in to each server of a saved account over TLS only, and report which mechanisms worked.',
  },
  'accounts.recheck': {
    request: z
      .object({ ids: z.array(AccountId).max(200).optional(), timeoutMs: TimeoutMs.optional() })
      .strict(),
    response: z.object({ checkedAt: z.string(), accounts: z.array(RecheckAccount) }).strict(),
    summary:
      'Probe every server of the saved accounts again; call out expiring or changed certificates and new failures.',
  },
  'accounts.importThunderbird': {
    request: z
      .object({
        prefs: z.string().max(PREFS_TEXT_MAX, `a prefs.js is at most ${PREFS_TEXT_MAX} characters here`),
        /** false: only read the settings; true: also probe each server and audit the setting. */
        probe: z.boolean().default(true),
        timeoutMs: TimeoutMs.optional(),
      })
      .strict(),
    response: z
      .object({ servers: z.array(ImportedServer), warnings: z.array(z.string()), audit: z.array(AuditEntry) })
      .strict(),
    summary: 'Read the mail servers of a Thunderbird prefs.js and audit each setting against a probe.',
  },
} as const

/** Pushed after every re-check that called something out: the desktop app turns a changed
 * certificate into an OS notification; the UI already has the answer of its own call. */
export const accountEvents = {
  'accounts.checked': z
    .object({
      id: AccountId,
      label: z.string(),
      callouts: z.array(Callout.extend({ host: z.string(), port: Port }).strict()),
    })
    .strict(),
} as const
