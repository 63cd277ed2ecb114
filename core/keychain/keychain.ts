// Secrets live only in the OS keychain (libsecret, macOS Keychain, Windows Credential Manager)
// through @github/keytar. There is no file fallback: without a keychain we refuse, and say why.
import { createRequire } from 'node:module'
import type { KeychainStatus } from '../../shared/contract/index.js'
import { EngineError } from '../api/errors.js'

/** The keychain "service" under which every Mailwarden secret is filed. */
export const KEYCHAIN_SERVICE = 'Mailwarden'

export interface Keychain {
  status(): Promise<KeychainStatus>
  set(account: string, secret: string): Promise<void>
  get(account: string): Promise<string | null>
  delete(account: string): Promise<boolean>
  list(): Promise<string[]>
}

/** The slice of keytar's API we use; the module is loaded lazily because it is native. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>
}

/** Long enough for a person to type an unlock password, short enough that nothing hangs forever. */
const KEYCHAIN_TIMEOUT_MS = 60_000

const BACKENDS: Record<string, string> = {
  linux: 'Secret Service (GNOME Keyring, KWallet)',
  darwin: 'macOS Keychain',
  win32: 'Windows Credential Manager',
}

function explain(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  if (/DBUS|D-Bus|X11|autolaunch|Could not connect/i.test(message)) {
    return 'there is no session bus to reach a Secret Service such as GNOME Keyring or KWallet'
  }
  if (/collection|prompt|locked|dismissed/i.test(message)) {
    return 'the keyring is locked or has no default collection; unlock it (or create one) and try again'
  }
  return message.split('\n')[0] ?? message
}

export function loadKeytar(): KeytarApi {
  const require = createRequire(import.meta.url)
  return require('@github/keytar') as KeytarApi
}

export function createKeychain(load: () => KeytarApi = loadKeytar, service = KEYCHAIN_SERVICE): Keychain {
  const backend = BACKENDS[process.platform] ?? process.platform
  let keytar: KeytarApi | undefined

  const api = (): KeytarApi => {
    if (keytar) return keytar
    try {
      keytar = load()
      return keytar
    } catch (error) {
      throw unavailable(`the keychain module could not load: ${explain(error)}`)
    }
  }
  const unavailable = (reason: string) =>
    new EngineError(
      'keychain-unavailable',
      `The OS keychain is not available (${reason}). Mailwarden keeps passwords only in the keychain and will not write them to a file.`,
    )
  const guarded = async <T>(run: (k: KeytarApi) => Promise<T>): Promise<T> => {
    const k = api()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `it did not answer within ${KEYCHAIN_TIMEOUT_MS / 1000} s; is it waiting to be unlocked?`,
            ),
          ),
        KEYCHAIN_TIMEOUT_MS,
      )
    })
    try {
      return await Promise.race([run(k), timeout])
    } catch (error) {
      throw unavailable(explain(error))
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    async status() {
      try {
        // A lookup of a name that never exists: proves the keychain answers without reading secrets.
        await guarded((k) => k.getPassword(service, '\u0000mailwarden-status'))
        return { available: true, backend, reason: null }
      } catch (error) {
        return { available: false, backend, reason: error instanceof Error ? error.message : String(error) }
      }
    },
    set: (account, secret) => guarded((k) => k.setPassword(service, account, secret)),
    get: (account) => guarded((k) => k.getPassword(service, account)),
    delete: (account) => guarded((k) => k.deletePassword(service, account)),
    list: async () => (await guarded((k) => k.findCredentials(service))).map((c) => c.account).sort(),
  }
}

export function openSystemKeychain(): Keychain {
  return createKeychain()
}
