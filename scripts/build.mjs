// Builds everything into dist/: the renderer with Vite (React), and the Node side with esbuild
// (CLI + web host, Electron main, preload). esbuild rather than electron-vite: the Node bundles
// need no dev server or HMR, and esbuild is already Vite's own bundler, so one fewer layer.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build as esbuild } from 'esbuild'
import { build as viteBuild } from 'vite'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
const started = Date.now()

await viteBuild({
  root: path.join(root, 'renderer'),
  configFile: path.join(root, 'vite.config.ts'),
  logLevel: 'warn',
})

// ESM bundles still need `require` for the native keychain module and ws's optional addons.
const esmRequire =
  "import { createRequire as __mwCreateRequire } from 'node:module'; const require = __mwCreateRequire(import.meta.url);"
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  define: { __MAILWARDEN_VERSION__: JSON.stringify(pkg.version) },
  external: ['@github/keytar', 'bufferutil', 'utf-8-validate', 'electron'],
}

// The CLI in chunks: each command is loaded when it runs (core/cli/commands/index.ts), so
// `dkim verify` over a big mbox carries the verifier only, not the engine, zod or the web host.
rmSync(path.join(root, 'dist/cli-chunks'), { recursive: true, force: true })
await esbuild({
  ...common,
  entryPoints: { cli: path.join(root, 'core/cli/bin.ts') },
  outdir: path.join(root, 'dist'),
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'cli-chunks/[name]-[hash]',
  format: 'esm',
  banner: { js: `#!/usr/bin/env node\n${esmRequire}` },
})

// The DKIM archive verifier's worker threads; core/dkim/archive/pool.ts finds it beside the bundle
// that starts them: dist/ for the CLI and web host, dist/electron/ for the desktop app.
for (const outfile of ['dist/dkim-worker.mjs', 'dist/electron/dkim-worker.mjs'])
  await esbuild({
    ...common,
    entryPoints: [path.join(root, 'core/dkim/archive/worker.ts')],
    outfile: path.join(root, outfile),
    format: 'esm',
    banner: { js: esmRequire },
  })

if (existsSync(path.join(root, 'electron/main.ts'))) {
  await esbuild({
    ...common,
    entryPoints: [path.join(root, 'electron/main.ts')],
    outfile: path.join(root, 'dist/electron/main.mjs'),
    format: 'esm',
    banner: { js: esmRequire },
  })
  // Sandboxed preloads must be CommonJS and may only require('electron').
  await esbuild({
    ...common,
    entryPoints: [path.join(root, 'electron/preload.ts')],
    outfile: path.join(root, 'dist/electron/preload.cjs'),
    format: 'cjs',
    platform: 'browser',
    external: ['electron'],
  })
}

mkdirSync(path.join(root, 'dist'), { recursive: true })
writeFileSync(path.join(root, 'dist/.build-stamp'), `${new Date().toISOString()}\n`)
console.log(`Built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
