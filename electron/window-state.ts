// The window's size and place, remembered across launches in desktop-state.json (userData), and
// put back only where a display can show it (a monitor may have been unplugged). Pure parts first.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { writeFileAtomic } from '../core/settings/atomic-write.js'

export const MIN_WIDTH = 720
export const MIN_HEIGHT = 520
export const DEFAULT_BOUNDS = { width: 1100, height: 760 } as const

export interface Bounds {
  x: number
  y: number
  width: number
  height: number
}

export interface DesktopState {
  bounds: Bounds | null
  maximized: boolean
  /** "Mailwarden keeps running in the tray" is said once, then not again. */
  trayNoticeShown: boolean
}

const DEFAULT_STATE: DesktopState = { bounds: null, maximized: false, trayNoticeShown: false }

function isBounds(value: unknown): value is Bounds {
  if (typeof value !== 'object' || value === null) return false
  const b = value as Record<string, unknown>
  return ['x', 'y', 'width', 'height'].every(
    (k) => Number.isInteger(b[k]) && Math.abs(b[k] as number) < 100_000,
  )
}

/** Takes what is well-formed from a parsed file, defaults for the rest. */
export function parseDesktopState(value: unknown): DesktopState {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  return {
    bounds: isBounds(v.bounds) ? v.bounds : null,
    maximized: v.maximized === true,
    trayNoticeShown: v.trayNoticeShown === true,
  }
}

/** Saved bounds if at least a corner's worth of the window lands on a display; else centred defaults. */
export function restoreBounds(
  saved: Bounds | null,
  displays: readonly Bounds[],
): Partial<Bounds> & { width: number; height: number } {
  if (!saved) return { ...DEFAULT_BOUNDS }
  const width = Math.max(MIN_WIDTH, saved.width)
  const height = Math.max(MIN_HEIGHT, saved.height)
  const visible = displays.some((d) => {
    const overlapX = Math.min(saved.x + width, d.x + d.width) - Math.max(saved.x, d.x)
    const overlapY = Math.min(saved.y + height, d.y + d.height) - Math.max(saved.y, d.y)
    return overlapX >= 100 && overlapY >= 50
  })
  return visible ? { x: saved.x, y: saved.y, width, height } : { width, height }
}

export function desktopStateFile(userData: string): string {
  return path.join(userData, 'desktop-state.json')
}

/** A missing or damaged file gives defaults: window placement is not worth an error. */
export async function loadDesktopState(userData: string): Promise<DesktopState> {
  try {
    return parseDesktopState(JSON.parse(await readFile(desktopStateFile(userData), 'utf8')))
  } catch {
    return { ...DEFAULT_STATE }
  }
}

export async function saveDesktopState(userData: string, state: DesktopState): Promise<void> {
  await writeFileAtomic(desktopStateFile(userData), `${JSON.stringify(state, null, 2)}\n`)
}
