// Builds the unpacked desktop app offline, with a stand-in for the Electron runtime (which cannot
// be downloaded everywhere), and reports what it contains: the files in app.asar, what is unpacked
// beside it, and the fuses electron-builder flipped in the binary. `npm run dist:check` prints it;
// scripts/packaging.test.ts asserts it.
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

// The fuse wire as Electron ships it (@electron/fuses' sentinel, version 1, 8 fuses, '1' = on):
// runAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar integrity off,
// only-from-asar off, browser V8 snapshot off, file:// privileges on. The build must flip them.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const SHIPPED_WIRE = '10110001'

/** A directory shaped like an unpacked Electron release, whose binary carries a real fuse wire. */
export function makeStandInElectron(dir) {
  mkdirSync(path.join(dir, 'resources'), { recursive: true })
  const binary = Buffer.concat([
    Buffer.from(
      '#!/bin/sh\necho "stand-in for the Electron runtime: this build is for inspection only" >&2\nexit 1\n# ',
    ),
    Buffer.from(SENTINEL),
    Buffer.from([1, SHIPPED_WIRE.length]),
    Buffer.from(SHIPPED_WIRE),
    Buffer.from('\n'),
  ])
  writeFileSync(path.join(dir, 'electron'), binary)
  chmodSync(path.join(dir, 'electron'), 0o755)
  writeFileSync(path.join(dir, 'version'), require('electron/package.json').version)
  return dir
}

/** Runs electron-builder --dir with the stand-in; returns the unpacked app's directory. */
export function buildUnpacked(workDir) {
  if (!existsSync(path.join(root, 'dist', 'electron', 'main.mjs')))
    throw new Error('dist/ is not built: run npm run build first')
  const standIn = makeStandInElectron(path.join(workDir, 'electron-standin'))
  const output = path.join(workDir, 'release')
  const result = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'electron-builder', 'cli.js'),
      '--dir',
      '--linux',
      '--x64',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${standIn}`,
      `-c.directories.output=${output}`,
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, ELECTRON_BUILDER_OFFLINE: 'true' } },
  )
  if (result.status !== 0) throw new Error(`electron-builder failed:\n${result.stdout}\n${result.stderr}`)
  return path.join(output, 'linux-unpacked')
}

/** What the unpacked app holds. */
export async function inspectUnpacked(appDir) {
  const asar = require('@electron/asar')
  const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses')
  const resources = path.join(appDir, 'resources')
  const files = asar.listPackage(path.join(resources, 'app.asar'), { isPack: false })
  const wire = await getCurrentFuseWire(path.join(appDir, 'mailwarden'))
  const fuses = {}
  for (const [name, index] of Object.entries(FuseV1Options)) {
    if (typeof index === 'number')
      fuses[name] = wire[index] === 49 ? 'on' : wire[index] === 48 ? 'off' : 'other'
  }
  const unpacked = path.join(resources, 'app.asar.unpacked')
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : [path.relative(unpacked, path.join(dir, e.name))],
    )
  return { files, unpacked: existsSync(unpacked) ? walk(unpacked) : [], fuses, executable: 'mailwarden' }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'mailwarden-dist-check-'))
  try {
    const report = await inspectUnpacked(buildUnpacked(work))
    const ours = report.files.filter((f) => !f.startsWith('/node_modules/'))
    console.log(`app.asar: ${report.files.length} entries; outside node_modules:\n  ${ours.join('\n  ')}`)
    console.log(
      `unpacked: ${report.unpacked.length} files (${[...new Set(report.unpacked.map((f) => f.split('/').slice(0, 3).join('/')))].join(', ')})`,
    )
    console.log(
      `fuses: ${Object.entries(report.fuses)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
