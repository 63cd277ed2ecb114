// The benchmark runs the CLI a user runs: the bundle in dist/. When a source it is built from is
// newer than the bundle, it is built first (`npm run build`), so a figure never belongs to old code.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

const OUTPUTS = ['dist/cli.mjs', 'dist/dkim-worker.mjs']
const SOURCES = ['core', 'shared', 'scripts/build.mjs', 'package.json']

function newestIn(p: string): number {
  const stat = statSync(p)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestIn(path.join(p, entry)))
  return newest
}

/** The CLI bundle's path, built first when missing or older than its sources. */
export function ensureBuilt(root: string, log: (line: string) => void): string {
  const outputs = OUTPUTS.map((o) => path.join(root, o))
  const builtAt = outputs.every((o) => existsSync(o))
    ? Math.min(...outputs.map((o) => statSync(o).mtimeMs))
    : 0
  const sourcesAt = Math.max(...SOURCES.map((s) => newestIn(path.join(root, s))))
  if (sourcesAt > builtAt) {
    log(
      builtAt
        ? 'dist/ is older than core/ or shared/: building it (npm run build).'
        : 'No dist/: building it (npm run build).',
    )
    const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], {
      cwd: root,
      stdio: 'inherit',
    })
    if (build.status !== 0) throw new Error('npm run build failed')
  }
  return outputs[0] as string
}
