// Domain schemas shared by the engine (which validates with them) and the UI (which only reads types).
import { z } from 'zod'
import { SavedAccount } from './accounts.js'
import { type DnsServerProblem, dnsServerProblem } from './dns-server.js'
import { OAuthAccount } from './oauth-account.js'
import { TunnelConfig } from './tunnel-config.js'

export { type DnsServerProblem, dnsServerProblem }

/** Mail clients whose words the UI uses when it explains a setting. */
export const MailClientId = z.enum([
  'thunderbird',
  'outlook',
  'apple-mail',
  'k9-mail',
  'evolution',
  'generic',
  'outlook-new',
  'ios-mail',
  'android-mail',
  'em-client',
  'mutt',
])
export type MailClientId = z.infer<typeof MailClientId>

export const Theme = z.enum(['system', 'light', 'dark'])
export type Theme = z.infer<typeof Theme>

const DNS_SERVER_MESSAGES: Record<DnsServerProblem, string> = {
  format: 'a DNS server is an IP address with an optional port, such as 127.0.0.53:53 or [::1]:53',
  octet: 'each part of an IPv4 address is a number from 0 to 255',
  port: 'a port is a number from 1 to 65535',
}

export const DnsServer = z.string().superRefine((text, context) => {
  const problem = dnsServerProblem(text)
  if (problem) context.addIssue({ code: 'custom', message: DNS_SERVER_MESSAGES[problem] })
})

/** Bounds shared by the engine's schema and the UI's inputs. */
export const CONNECT_TIMEOUT_SECONDS = { min: 1, max: 120 } as const
export const SECRET_ACCOUNT_MAX = 256
export const SECRET_VALUE_MAX = 4096

export const DEFAULT_ISPDB_URL = 'https://autoconfig.thunderbird.net/v1.1/'

// Each field once; the defaults below apply only to reading a file (fields added after version 1
// shipped), never to a patch, which must leave untouched what it does not name.
const settingsFields = {
  theme: Theme,
  mailClient: MailClientId,
  /** null: the system's resolver. */
  dnsServer: DnsServer.nullable(),
  /** How long a probe or tunnel waits for a server before it gives up. */
  connectTimeoutSeconds: z.number().int().min(CONNECT_TIMEOUT_SECONDS.min).max(CONNECT_TIMEOUT_SECONDS.max),
  /** A PEM file of extra CAs to trust (a company or lab CA), as the CLI's --ca; null: none. */
  extraCaFile: z.string().max(4096).nullable(),
  /** Base URL of the Thunderbird ISP database (autoconfig); tests point it at the lab. */
  ispdbUrl: z.string().url().max(2048),
  accounts: z.array(SavedAccount).max(200),
  tunnels: z.array(TunnelConfig).max(100),
  /** OAuth 2.0 accounts (issue 18): provider, address, client id; never a token or secret. */
  oauthAccounts: z.array(OAuthAccount).max(100),
  /** Desktop app: start at login, hidden in the tray, with the tunnels marked to start. */
  startAtLogin: z.boolean(),
  /** Domains the user runs (Your domain page): a DKIM signature from one links to its check. */
  ownDomains: z.array(z.string().trim().toLowerCase().min(1).max(253)).max(50),
}

export const Settings = z
  .object({
    version: z.literal(1),
    ...settingsFields,
    extraCaFile: settingsFields.extraCaFile.default(null),
    ispdbUrl: settingsFields.ispdbUrl.default(DEFAULT_ISPDB_URL),
    accounts: settingsFields.accounts.default([]),
    tunnels: settingsFields.tunnels.default([]),
    oauthAccounts: settingsFields.oauthAccounts.default([]),
    startAtLogin: settingsFields.startAtLogin.default(false),
    ownDomains: settingsFields.ownDomains.default([]),
  })
  .strict()
export type Settings = z.infer<typeof Settings>

export const DEFAULT_SETTINGS: Settings = {
  version: 1,
  theme: 'system',
  mailClient: 'thunderbird',
  dnsServer: null,
  connectTimeoutSeconds: 15,
  extraCaFile: null,
  ispdbUrl: DEFAULT_ISPDB_URL,
  accounts: [],
  tunnels: [],
  oauthAccounts: [],
  startAtLogin: false,
  ownDomains: [],
}

/** The ISP database is fetched over HTTPS only, so a network attacker cannot rewrite its answers.
 * Checked on a change (a file written by an older version may hold another URL and still loads). */
export const IspdbUrl = settingsFields.ispdbUrl.refine((url) => /^https:\/\//i.test(url), {
  message: 'the ISP database URL must start with https:// so its answers cannot be tampered with',
})

/** What the UI may change: every field but the version, each optional. */
export const SettingsPatch = z
  .object({ ...settingsFields, ispdbUrl: IspdbUrl })
  .partial()
  .strict()
export type SettingsPatch = z.infer<typeof SettingsPatch>

/** A settings file that could not be read is moved aside, never lost; this says where and why. */
export const SettingsRecovery = z.object({ backupPath: z.string(), reason: z.string() }).strict()
export type SettingsRecovery = z.infer<typeof SettingsRecovery>

export const SettingsState = z
  .object({ settings: Settings, path: z.string(), recovered: SettingsRecovery.nullable() })
  .strict()
export type SettingsState = z.infer<typeof SettingsState>

/** A keychain entry's name, e.g. "imap:alice@example.org@mail.example.org". Never a secret. */
export const SecretAccount = z
  .string()
  .min(1, 'an account name is required')
  .max(SECRET_ACCOUNT_MAX, `an account name is at most ${SECRET_ACCOUNT_MAX} characters`)
  .regex(/^[^\p{Cc}]+$/u, 'an account name cannot contain control characters')

/** A password or token. Bounded so a hostile caller cannot fill the keychain. */
export const SecretValue = z
  .string()
  .min(1, 'a secret cannot be empty')
  .max(SECRET_VALUE_MAX, `a secret is at most ${SECRET_VALUE_MAX} characters`)

export const KeychainStatus = z
  .object({ available: z.boolean(), backend: z.string(), reason: z.string().nullable() })
  .strict()
export type KeychainStatus = z.infer<typeof KeychainStatus>

export const AppInfo = z
  .object({
    name: z.string(),
    version: z.string(),
    platform: z.string(),
    shell: z.enum(['electron', 'web', 'cli']),
    configDir: z.string(),
    keychain: KeychainStatus,
  })
  .strict()
export type AppInfo = z.infer<typeof AppInfo>

export const LogLevel = z.enum(['debug', 'info', 'warn', 'error'])
export type LogLevel = z.infer<typeof LogLevel>

export const LogLine = z
  .object({ at: z.string(), level: LogLevel, source: z.string(), message: z.string() })
  .strict()
export type LogLine = z.infer<typeof LogLine>
