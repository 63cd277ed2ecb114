// Every event the engine pushes to the UI: one entry each, typed like the operations.
import type { z } from 'zod'
import { desktopEvents } from './desktop.js'
import { dkimEvents } from './dkim.js'
import { domainEvents } from './domain.js'
import { oauthEvents } from './oauth.js'
import { probeEvents } from './probe.js'
import { accountEvents } from './probe-accounts.js'
import { LogLine, SettingsState } from './schemas.js'
import { tunnelEvents } from './tunnel.js'

export const events = {
  log: LogLine,
  'settings.changed': SettingsState,
  // Each job keeps its entries (long-run progress and finished events) in its own file.
  ...probeEvents,
  ...dkimEvents,
  ...domainEvents,
  ...tunnelEvents,
  ...desktopEvents,
  ...accountEvents,
  ...oauthEvents,
} as const

export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<K extends EventName> = z.output<Events[K]>

export const eventNames = Object.keys(events) as EventName[]

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name)
}
