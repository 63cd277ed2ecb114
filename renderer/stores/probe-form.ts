// What the user typed and chose on the Probe page (the address, the advanced settings, whose words
// the advice uses), kept outside the components so that leaving the page and coming back finds
// them as they were. Nothing here is a secret: the probe form holds no password.
import { create } from 'zustand'
import type { MailClientId, MailProtocol } from '../../shared/contract/index.js'

export interface AdvancedSettings {
  protocol: MailProtocol
  host: string
  port: string
  security: string
  client: MailClientId
}

interface ProbeFormStore {
  text: string
  showAdvanced: boolean
  /** null until the user edits them (the client then follows the Settings' mail client). */
  advanced: AdvancedSettings | null
  /** Whose words the results, the page's intro and the exports use; null: the Settings' mail client. */
  adviceClient: MailClientId | null
  setText(text: string): void
  setShowAdvanced(open: boolean): void
  setAdvanced(advanced: AdvancedSettings): void
  setAdviceClient(client: MailClientId): void
}

export const useProbeFormStore = create<ProbeFormStore>()((set) => ({
  text: '',
  showAdvanced: false,
  advanced: null,
  adviceClient: null,
  setText: (text) => set({ text }),
  setShowAdvanced: (showAdvanced) => set({ showAdvanced }),
  setAdvanced: (advanced) => set({ advanced }),
  setAdviceClient: (adviceClient) => set({ adviceClient }),
}))

/** The client the advice is in: the one picked on the Probe page, else the Settings' one. */
export function useAdviceClient(settingsClient: MailClientId): MailClientId {
  return useProbeFormStore((s) => s.adviceClient) ?? settingsClient
}
