// Finds the Electron runtime without triggering its download: requiring the `electron` package
// (as Playwright does when no executablePath is given) would try to fetch the binary. Mirrors
// node_modules/electron/index.js, including ELECTRON_OVERRIDE_DIST_PATH.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..')

export function electronRuntimePath(
  root: string = REPO_ROOT,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  const pkgDir = path.join(root, 'node_modules', 'electron')
  const pathFile = path.join(pkgDir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : ''
  const override = env.ELECTRON_OVERRIDE_DIST_PATH
  const executable = override
    ? path.join(override, relative || 'electron')
    : relative
      ? path.join(pkgDir, 'dist', relative)
      : null
  return executable !== null && existsSync(executable) ? executable : null
}
