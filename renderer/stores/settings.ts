// The settings as the engine last reported them: from settings.get, from our own updates, and
// from settings.changed events (another window or tab may change them too).
import { create } from 'zustand'
import type { SettingsPatch, SettingsState } from '../../shared/contract/index.js'
import { type ActionResult, api, errorMessage, failed } from '../client.js'

interface SettingsStore {
  state: SettingsState | null
  loadError: string | null
  load(): Promise<void>
  update(patch: SettingsPatch): Promise<ActionResult>
  /** The engine's check of a CA file path: null when it holds certificates, else one sentence. */
  checkCaFile(path: string): Promise<string | null>
  /** Takes a state pushed by the engine. */
  receive(state: SettingsState): void
  reset(): void
}

const initial = { state: null, loadError: null }

export const useSettingsStore = create<SettingsStore>()((set) => ({
  ...initial,
  async load() {
    try {
      set({ state: await api().settings.get({}), loadError: null })
    } catch (error) {
      set({ loadError: errorMessage(error) })
    }
  },
  async update(patch) {
    try {
      set({ state: await api().settings.update(patch) })
      return { ok: true }
    } catch (error) {
      return failed(error)
    }
  },
  async checkCaFile(path) {
    try {
      return (await api().probe.checkCaFile({ path })).problem
    } catch (error) {
      return errorMessage(error)
    }
  },
  receive: (state) => set({ state, loadError: null }),
  reset: () => set(initial),
}))

export const selectSettings = (s: SettingsStore) => s.state?.settings ?? null
export const selectTheme = (s: SettingsStore) => s.state?.settings.theme ?? 'system'
export const selectMailClient = (s: SettingsStore) => s.state?.settings.mailClient ?? 'generic'
export const selectRecovered = (s: SettingsStore) => s.state?.recovered ?? null
export const selectSettingsPath = (s: SettingsStore) => s.state?.path ?? null
export const selectLoadError = (s: SettingsStore) => s.loadError
