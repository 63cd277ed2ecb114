// Where the Playwright Electron spec finds the runtime: the same detection `npm start` and
// `npm test` use (scripts/electron-runtime.mjs), which never triggers the binary's download.
import path from 'node:path'
import { findElectronRuntime } from '../../scripts/electron-runtime.mjs'

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..')

export function electronRuntimePath(root: string = REPO_ROOT): string | null {
  return findElectronRuntime(root).path
}

/**
 * Why the Electron specs cannot run on this machine, or null when they can. The runtime is a
 * binary that `npm ci` downloads from outside the npm registry; where that download is impossible
 * (an offline build machine) the specs say so in one line instead of failing.
 */
export function electronSkipReason(root: string = REPO_ROOT): string | null {
  const found = findElectronRuntime(root)
  return found.path
    ? null
    : `skipped: Electron runtime not installed (${found.reason}); the desktop shell cannot be launched here, and this spec runs wherever the runtime is installed`
}
