// `npm start`: build when a source is newer than the last build, then launch the desktop app;
// where the Electron runtime is absent, say so in one line and serve the browser tab instead.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { findElectronRuntime } from './electron-runtime.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SOURCES = ['shared', 'core', 'electron', 'renderer', 'assets', 'package.json', 'vite.config.ts']

function newestMtime(entry) {
  const full = path.join(root, entry)
  if (!existsSync(full)) return 0
  const info = statSync(full)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = 0
  for (const child of readdirSync(full)) newest = Math.max(newest, newestMtime(path.join(entry, child)))
  return newest
}

const stamp = path.join(root, 'dist', '.build-stamp')
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0
if (Math.max(...SOURCES.map(newestMtime)) > built) {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

const runtime = findElectronRuntime(root)
const extra = process.argv.slice(2)
const [command, args] = runtime.path
  ? [runtime.path, [path.join(root, 'dist', 'electron', 'main.mjs'), ...extra]]
  : [process.execPath, [path.join(root, 'dist', 'cli.mjs'), 'ui', ...extra]]
if (!runtime.path)
  console.log(`Electron cannot start here: ${runtime.reason}; serving Mailwarden in your browser instead.`)

const child = spawn(command, args, { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
