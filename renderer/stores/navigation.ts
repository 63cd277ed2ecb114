// Which section is shown. A store (not component state) so that the desktop menu ("New Probe",
// "Tunnels") and a message opened from the OS can bring the right section forward.
import { create } from 'zustand'
import type { SectionId } from '../sections/registry.js'

interface NavigationStore {
  section: SectionId
  go(section: SectionId): void
  reset(): void
}

export const useNavigationStore = create<NavigationStore>()((set) => ({
  section: 'probe',
  go: (section) => set({ section }),
  reset: () => set({ section: 'probe' }),
}))

export const selectSection = (s: NavigationStore) => s.section
