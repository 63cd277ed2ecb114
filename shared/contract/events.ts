// Every event the engine pushes to the UI: one entry each, typed like the operations.
import type { z } from 'zod'
import { LogLine, SettingsState } from './schemas.js'

export const events = {
  log: LogLine,
  'settings.changed': SettingsState,
} as const

export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<K extends EventName> = z.output<Events[K]>

export const eventNames = Object.keys(events) as EventName[]

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name)
}
