// Where the Playwright Electron spec finds the runtime: the same detection `npm start` and
// `npm test` use (scripts/electron-runtime.mjs), which never triggers the binary's download.
import path from 'node:path'
import { findElectronRuntime } from '../../scripts/electron-runtime.mjs'

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..')

export function electronRuntimePath(root: string = REPO_ROOT): string | null {
  return findElectronRuntime(root).path
}
