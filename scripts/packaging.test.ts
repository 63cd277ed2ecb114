// The desktop package, built for real by electron-builder (offline, with a stand-in Electron
// binary that carries a real fuse wire): what ships, what does not, and the fuses it flipped.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script without types
import { buildUnpacked, inspectUnpacked } from './packaging-check.mjs'

interface Report {
  files: string[]
  unpacked: string[]
  fuses: Record<string, 'on' | 'off' | 'other'>
}

let work: string
let report: Report

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'mailwarden-packaging-'))
  report = await inspectUnpacked(buildUnpacked(work))
}, 180_000)
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the packaged desktop app', () => {
  it('ships the main process, the preload, the renderer, the icon and package.json', () => {
    for (const file of [
      '/dist/electron/main.mjs',
      '/dist/electron/preload.cjs',
      '/dist/renderer/index.html',
      '/assets/icon.png',
      '/package.json',
    ])
      expect(report.files).toContain(file)
  })

  it('ships no sources, tests, source maps, lab, benchmarks or the CLI/web-host bundle', () => {
    const ours = report.files.filter((f) => !f.startsWith('/node_modules/'))
    expect(ours.filter((f) => /\.map$|\.test\.|\.spec\.|\.ts$|\.tsx$/.test(f))).toEqual([])
    for (const folder of [
      '/core',
      '/shared',
      '/renderer',
      '/electron',
      '/e2e',
      '/bench',
      '/scripts',
      '/docs',
    ])
      expect(ours.filter((f) => f === folder || f.startsWith(`${folder}/`))).toEqual([])
    expect(ours).not.toContain('/dist/cli.mjs')
  })

  it('unpacks the native keychain module (with its prebuilt binaries) and the DKIM worker from app.asar', () => {
    expect(report.unpacked.some((f) => f.startsWith('node_modules/@github/keytar/prebuilds/'))).toBe(true)
    expect(report.unpacked.filter((f) => !f.startsWith('node_modules/'))).toEqual([
      'dist/electron/dkim-worker.mjs',
    ])
  })

  it('flips the fuses of the Electron security checklist', () => {
    expect(report.fuses).toEqual({
      RunAsNode: 'off',
      EnableCookieEncryption: 'on',
      EnableNodeOptionsEnvironmentVariable: 'off',
      EnableNodeCliInspectArguments: 'off',
      EnableEmbeddedAsarIntegrityValidation: 'on',
      OnlyLoadAppFromAsar: 'on',
      LoadBrowserProcessSpecificV8Snapshot: 'off',
      GrantFileProtocolExtraPrivileges: 'off',
    })
  })
})
