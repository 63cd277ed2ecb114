// Every operation the UI can ask of the engine: one entry each. The preload bridge, the Electron
// handlers, the web host and the renderer's client are all derived from this map, so adding an
// operation is one entry here plus its handler in core/.
import { z } from 'zod'
import { dkimOperations } from './dkim.js'
import { domainOperations } from './domain.js'
import { oauthOperations } from './oauth.js'
import { probeOperations } from './probe.js'
import { accountOperations } from './probe-accounts.js'
import { operation, runOperations } from './runs.js'
import { AppInfo, SecretAccount, SecretValue, SettingsPatch, SettingsState } from './schemas.js'
import { tunnelOperations } from './tunnel.js'

const Empty = z.object({}).strict()

export const operations = {
  'app.info': operation(Empty, AppInfo, 'What this build is and where it keeps its data.'),
  'settings.get': operation(
    Empty,
    SettingsState,
    'Read the settings (and whether a corrupt file was set aside).',
  ),
  'settings.update': operation(SettingsPatch, SettingsState, 'Change some settings; written atomically.'),
  'secrets.set': operation(
    z.object({ account: SecretAccount, secret: SecretValue }).strict(),
    z.object({ account: SecretAccount }).strict(),
    'Store a secret in the OS keychain.',
  ),
  'secrets.get': operation(
    z.object({ account: SecretAccount }).strict(),
    z.object({ account: SecretAccount, secret: z.string().nullable() }).strict(),
    'Read a secret back from the OS keychain (null when there is none).',
  ),
  'secrets.delete': operation(
    z.object({ account: SecretAccount }).strict(),
    z.object({ account: SecretAccount, deleted: z.boolean() }).strict(),
    'Remove a secret from the OS keychain.',
  ),
  'secrets.list': operation(
    Empty,
    z.object({ accounts: z.array(SecretAccount) }).strict(),
    'The names of the stored secrets, never their values.',
  ),
  ...runOperations,
  // Each job keeps its entries in its own file of this folder.
  ...probeOperations,
  ...accountOperations,
  ...dkimOperations,
  ...domainOperations,
  ...tunnelOperations,
  ...oauthOperations,
} as const

export type Operations = typeof operations
export type OpName = keyof Operations
export type OpRequest<K extends OpName> = z.input<Operations[K]['request']>
export type OpResponse<K extends OpName> = z.output<Operations[K]['response']>

export const opNames = Object.keys(operations) as OpName[]

export function isOpName(name: unknown): name is OpName {
  return typeof name === 'string' && Object.hasOwn(operations, name)
}
