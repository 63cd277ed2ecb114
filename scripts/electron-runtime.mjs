// Finds the Electron runtime without triggering its download (requiring the `electron` package
// would try to fetch the binary). Returns the executable's path, or null with the reason.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

export function findElectronRuntime(root) {
  const pkgDir = path.join(root, 'node_modules', 'electron')
  const pathFile = path.join(pkgDir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron'
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(pkgDir, 'dist')
  const executable = path.join(dist, relative)
  if (existsSync(executable)) return { path: executable, reason: null }
  return {
    path: null,
    reason: `the Electron runtime is not installed (no ${path.relative(root, executable)})`,
  }
}
