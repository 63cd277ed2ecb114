// The sections of the app, in nav order.
export const SECTIONS = [
  { id: 'probe', label: 'Probe' },
  { id: 'dkim', label: 'DKIM' },
  { id: 'domain', label: 'Your domain' },
  { id: 'tunnels', label: 'Tunnels' },
  { id: 'settings', label: 'Settings' },
  { id: 'activity', label: 'Activity' },
] as const

export type SectionId = (typeof SECTIONS)[number]['id']
