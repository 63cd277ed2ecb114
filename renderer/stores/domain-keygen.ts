// "Make a DKIM key" on the Your domain page: the form, and the keys the engine made. The private
// keys live only here, in memory, until the user saves them; leaving the page and coming back
// finds them as they were, and "Make another key" forgets them.
import { create } from 'zustand'
import type { DomainKeygenResult, KeygenType } from '../../shared/contract/index.js'
import { api, errorMessage } from '../client.js'

export interface KeygenForm {
  domain: string
  selector: string
  type: KeygenType
}

interface KeygenStore {
  form: KeygenForm
  status: 'idle' | 'working' | 'done' | 'failed'
  result: DomainKeygenResult | null
  error: string | null
  /** File names the user has saved (each key's save button says so). */
  saved: string[]
  setForm(patch: Partial<KeygenForm>): void
  make(): Promise<void>
  markSaved(fileName: string): void
  reset(): void
}

/** "s20261207": a dated selector, the advice's suggestion for rotation. */
export function datedSelector(now = new Date()): string {
  return `s${now.toISOString().slice(0, 10).replaceAll('-', '')}`
}

export const useKeygenStore = create<KeygenStore>()((set, get) => ({
  form: { domain: '', selector: datedSelector(), type: 'rsa-2048' },
  status: 'idle',
  result: null,
  error: null,
  saved: [],
  setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
  make: async () => {
    const { form } = get()
    set({ status: 'working', error: null })
    try {
      const result = await api().domain.keygen({
        domain: form.domain.trim(),
        selector: form.selector.trim(),
        type: form.type,
      })
      set({ status: 'done', result, saved: [] })
    } catch (error) {
      set({ status: 'failed', error: errorMessage(error) })
    }
  },
  markSaved: (fileName) =>
    set((s) => ({ saved: s.saved.includes(fileName) ? s.saved : [...s.saved, fileName] })),
  reset: () => set({ status: 'idle', result: null, error: null, saved: [] }),
}))
