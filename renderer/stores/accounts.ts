// Saved accounts: the list (never a password), the last test-login and re-check results per
// account, and the last Thunderbird import. A password passes through an action's arguments to
// the engine, which puts it in the OS keychain; it is never kept here.
import { create } from 'zustand'
import type { MailClientId, OpResponse, ProbeReport, SavedAccount } from '../../shared/contract/index.js'
import type { LoginResult, RecheckAccount } from '../../shared/contract/probe-accounts.js'
import { type ActionResult, api, errorMessage, failed } from '../client.js'

export type ImportResult = OpResponse<'accounts.importThunderbird'>

export interface SaveInput {
  report: ProbeReport
  label: string
  client: MailClientId
  username: string | null
  password: string | null
  /** host:port keys whose self-signed certificate the user chose to trust (pin). */
  pinned: ReadonlySet<string>
}

interface AccountsStore {
  accounts: SavedAccount[]
  loaded: boolean
  loadError: string | null
  logins: Record<string, LoginResult[]>
  rechecks: Record<string, RecheckAccount>
  lastRecheckAt: string | null
  load(): Promise<void>
  save(input: SaveInput): Promise<ActionResult>
  remove(id: string): Promise<ActionResult>
  testLogin(id: string, password: string | null): Promise<ActionResult>
  recheck(ids?: string[]): Promise<ActionResult>
  importThunderbird(
    prefs: string,
  ): Promise<{ ok: true; result: ImportResult } | { ok: false; message: string }>
  reset(): void
}

const initial = {
  accounts: [],
  loaded: false,
  loadError: null,
  logins: {},
  rechecks: {},
  lastRecheckAt: null,
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _dropped, ...rest } = record
  return rest
}

/**
 * The servers worth saving: every endpoint that answered, with the certificate it showed, pinned
 * where the user said so.
 */
export function serversOf(report: ProbeReport, pinned: ReadonlySet<string> = new Set()) {
  return report.endpoints.flatMap((e) =>
    e.security === 'unreachable'
      ? []
      : [
          {
            protocol: e.protocol,
            host: e.host,
            port: e.port,
            security: e.security,
            fingerprintSha256: e.tls?.certificate?.fingerprintSha256 ?? null,
            pinnedFingerprintSha256: pinned.has(e.key)
              ? (e.tls?.certificate?.fingerprintSha256 ?? null)
              : null,
          },
        ],
  )
}

export const useAccountsStore = create<AccountsStore>()((set, get) => ({
  ...initial,
  async load() {
    try {
      const { accounts } = await api().accounts.list({})
      set({ accounts, loaded: true, loadError: null })
    } catch (error) {
      set({ loaded: true, loadError: errorMessage(error) })
    }
  },
  async save({ report, label, client, username, password, pinned }) {
    try {
      const { account } = await api().accounts.save({
        label,
        target: report.target,
        client,
        username,
        servers: serversOf(report, pinned),
        ...(password ? { password } : {}),
      })
      set({ accounts: [...get().accounts.filter((a) => a.id !== account.id), account] })
      return { ok: true }
    } catch (error) {
      return failed(error)
    }
  },
  async remove(id) {
    try {
      await api().accounts.delete({ id })
      const { accounts, logins, rechecks } = get()
      set({
        accounts: accounts.filter((a) => a.id !== id),
        logins: without(logins, id),
        rechecks: without(rechecks, id),
      })
      return { ok: true }
    } catch (error) {
      return failed(error)
    }
  },
  async testLogin(id, password) {
    try {
      const { results } = await api().accounts.testLogin({ id, ...(password ? { password } : {}) })
      set({ logins: { ...get().logins, [id]: results } })
      return { ok: true }
    } catch (error) {
      return failed(error)
    }
  },
  async recheck(ids) {
    try {
      const { checkedAt, accounts } = await api().accounts.recheck(ids ? { ids } : {})
      const rechecks = { ...get().rechecks }
      for (const account of accounts) rechecks[account.id] = account
      set({ rechecks, lastRecheckAt: checkedAt })
      // A re-check remembers what it saw (fingerprints, verdicts): read the accounts back.
      await get().load()
      return { ok: true }
    } catch (error) {
      return failed(error)
    }
  },
  async importThunderbird(prefs) {
    try {
      return { ok: true, result: await api().accounts.importThunderbird({ prefs, probe: true }) }
    } catch (error) {
      return failed(error)
    }
  },
  reset: () => set(initial),
}))

export const selectSavedAccounts = (s: AccountsStore) => s.accounts
export const selectAccountsLoaded = (s: AccountsStore) => s.loaded
export const selectAccountsLoadError = (s: AccountsStore) => s.loadError
