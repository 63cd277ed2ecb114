// Type-checks each side against its own world: shared/ with no DOM and no Node, core/ with Node,
// renderer/ with the DOM, electron/ with Electron's own electron.d.ts.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
let failed = 0
for (const project of [
  'tsconfig.shared.json',
  'tsconfig.node.json',
  'tsconfig.web.json',
  'tsconfig.electron.json',
]) {
  const result = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' })
  console.log(`${result.status === 0 ? 'ok  ' : 'FAIL'} ${project}`)
  if (result.status !== 0) failed++
}
process.exit(failed === 0 ? 0 : 1)
