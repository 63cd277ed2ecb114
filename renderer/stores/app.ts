// What this build is (app.info, including the keychain's status) and whether the link to the
// engine works.
import { create } from 'zustand'
import type { AppInfo } from '../../shared/contract/index.js'
import { api, errorMessage } from '../client.js'
import type { ConnectionState } from '../transport/connection.js'

interface AppStore {
  info: AppInfo | null
  infoError: string | null
  connection: ConnectionState
  loadInfo(): Promise<void>
  setConnection(state: ConnectionState): void
  reset(): void
}

const initial = {
  info: null,
  infoError: null,
  connection: { status: 'connecting' } as ConnectionState,
}

export const useAppStore = create<AppStore>()((set) => ({
  ...initial,
  async loadInfo() {
    try {
      set({ info: await api().app.info({}), infoError: null })
    } catch (error) {
      set({ infoError: errorMessage(error) })
    }
  },
  setConnection: (connection) => set({ connection }),
  reset: () => set(initial),
}))

export const selectInfo = (s: AppStore) => s.info
export const selectInfoError = (s: AppStore) => s.infoError
export const selectKeychain = (s: AppStore) => s.info?.keychain ?? null
export const selectConnection = (s: AppStore) => s.connection
