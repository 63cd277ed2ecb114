// The names of the accounts that have a password in the keychain. Secrets themselves never enter
// this store: they pass through an action's arguments to the engine, and a password read back
// lives only in the one component that shows it, for as long as it is shown.
import { create } from 'zustand'
import { type ActionResult, api, errorMessage, failed } from '../client.js'

interface SecretsStore {
  accounts: string[]
  loaded: boolean
  loadError: string | null
  load(): Promise<void>
  store(account: string, secret: string): Promise<ActionResult>
  remove(account: string): Promise<ActionResult>
  reset(): void
}

const initial = { accounts: [], loaded: false, loadError: null }

const sorted = (accounts: string[]) => [...accounts].sort((a, b) => a.localeCompare(b))

export const useSecretsStore = create<SecretsStore>()((set, get) => ({
  ...initial,
  async load() {
    try {
      const { accounts } = await api().secrets.list({})
      set({ accounts: sorted(accounts), loaded: true, loadError: null })
    } catch (error) {
      set({ loaded: true, loadError: errorMessage(error) })
    }
  },
  async store(account, secret) {
    try {
      const result = await api().secrets.set({ account, secret })
      const others = get().accounts.filter((name) => name !== result.account)
      set({ accounts: sorted([...others, result.account]) })
      return { ok: true }
    } catch (error) {
      return failed(error)
    }
  },
  async remove(account) {
    try {
      await api().secrets.delete({ account })
      set({ accounts: get().accounts.filter((name) => name !== account) })
      return { ok: true }
    } catch (error) {
      return failed(error)
    }
  },
  reset: () => set(initial),
}))

/** Reads one password back for display. Deliberately not an action: its result must not be stored. */
export async function readSecret(account: string): Promise<string | null> {
  const { secret } = await api().secrets.get({ account })
  return secret
}

export const selectAccounts = (s: SecretsStore) => s.accounts
export const selectSecretsLoaded = (s: SecretsStore) => s.loaded
export const selectSecretsLoadError = (s: SecretsStore) => s.loadError
