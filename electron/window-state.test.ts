import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_BOUNDS,
  desktopStateFile,
  loadDesktopState,
  MIN_WIDTH,
  restoreBounds,
  saveDesktopState,
} from './window-state.js'

const screen = { x: 0, y: 0, width: 1920, height: 1080 }

describe('restoreBounds', () => {
  it('puts the window back where it was when a display shows it', () => {
    expect(restoreBounds({ x: 100, y: 80, width: 1000, height: 700 }, [screen])).toEqual({
      x: 100,
      y: 80,
      width: 1000,
      height: 700,
    })
  })

  it('drops the position on a display that is gone, keeps the size, enforces the minimum', () => {
    expect(restoreBounds({ x: 3000, y: 100, width: 300, height: 700 }, [screen])).toEqual({
      width: MIN_WIDTH,
      height: 700,
    })
  })

  it('uses the defaults the first time', () => {
    expect(restoreBounds(null, [screen])).toEqual(DEFAULT_BOUNDS)
  })
})

describe('desktop state file', () => {
  it('round-trips, and a damaged file gives defaults instead of an error', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mw-desktop-'))
    try {
      expect(await loadDesktopState(dir)).toEqual({ bounds: null, maximized: false, trayNoticeShown: false })
      const state = {
        bounds: { x: 1, y: 2, width: 800, height: 600 },
        maximized: true,
        trayNoticeShown: true,
      }
      await saveDesktopState(dir, state)
      expect(await loadDesktopState(dir)).toEqual(state)
      await writeFile(desktopStateFile(dir), '{"bounds": "nope"')
      expect((await loadDesktopState(dir)).bounds).toBeNull()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
