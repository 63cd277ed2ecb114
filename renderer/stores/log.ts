// The engine's log lines for this session, pushed by events into a vanilla store (so the event
// wiring needs no React) and kept as a bounded ring: a chatty engine cannot grow the page.
import { useStore } from 'zustand'
import { createStore } from 'zustand/vanilla'
import type { LogLine } from '../../shared/contract/index.js'

export const LOG_CAPACITY = 500

export interface LogEntry {
  /** Increasing per line: a stable React key even when two lines read the same. */
  seq: number
  line: LogLine
}

interface LogStore {
  entries: LogEntry[]
  nextSeq: number
  push(line: LogLine): void
  clear(): void
  reset(): void
}

const initial = { entries: [], nextSeq: 1 }

export const logStore = createStore<LogStore>()((set) => ({
  ...initial,
  push: (line) =>
    set(({ entries, nextSeq }) => ({
      entries: [...entries.slice(Math.max(0, entries.length - LOG_CAPACITY + 1)), { seq: nextSeq, line }],
      nextSeq: nextSeq + 1,
    })),
  clear: () => set({ entries: [] }),
  reset: () => set(initial),
}))

export function useLog<T>(selector: (state: LogStore) => T): T {
  return useStore(logStore, selector)
}

export const selectEntries = (s: LogStore) => s.entries
export const selectClear = (s: LogStore) => s.clear
