// The dependency rule of docs/architecture.md, checked on every import in the tree:
// renderer -> shared; core -> shared; electron -> core, shared; shared imports nothing of ours.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
const LAYERS = ['shared', 'core', 'electron', 'renderer'] as const
type Layer = (typeof LAYERS)[number]

const ALLOWED: Record<Layer, Layer[]> = {
  shared: [],
  core: ['shared'],
  electron: ['core', 'shared'],
  renderer: ['shared'],
}
/** Node built-ins: core and electron may use them; shared and renderer run in the browser. */
const NODE_ONLY = /^(node:|fs$|path$|os$|net$|tls$|child_process$|crypto$)/

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : files(full)
    return /\.(ts|tsx)$/.test(name) ? [full] : []
  })
}

function imports(file: string): string[] {
  const source = readFileSync(file, 'utf8')
  const found: string[] = []
  for (const match of source.matchAll(
    /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    const spec = match[1] ?? match[2] ?? match[3]
    if (spec) found.push(spec)
  }
  return found
}

function layerOf(file: string): Layer | null {
  const top = path.relative(root, file).split(path.sep)[0]
  return (LAYERS as readonly string[]).includes(top ?? '') ? (top as Layer) : null
}

/** Why importing `spec` from `file` breaks the rule, or null when it does not. */
function crossing(file: string, spec: string): string | null {
  const layer = layerOf(file)
  if (!layer) return null
  const rel = path.relative(root, file)
  if (spec.startsWith('.')) {
    const target = layerOf(path.resolve(path.dirname(file), spec))
    if (target && target !== layer && !ALLOWED[layer].includes(target))
      return `${rel} imports ${spec} (${layer} -> ${target})`
  } else if ((layer === 'shared' || layer === 'renderer') && NODE_ONLY.test(spec)) {
    return `${rel} imports the Node module ${spec}, but ${layer}/ runs in the browser`
  } else if (layer !== 'electron' && spec === 'electron') {
    return `${rel} imports electron, but only electron/ may`
  }
  return null
}

function violations(): string[] {
  return LAYERS.flatMap((layer) =>
    files(path.join(root, layer)).flatMap((file) =>
      imports(file).flatMap((spec) => crossing(file, spec) ?? []),
    ),
  )
}

describe('dependency rule', () => {
  it('has layers to check', () => {
    for (const layer of LAYERS) expect(files(path.join(root, layer)).length, layer).toBeGreaterThan(0)
  })

  it('catches each kind of crossing', () => {
    const at = (rel: string) => path.join(root, rel)
    expect(crossing(at('renderer/app.tsx'), '../core/engine.js')).toMatch(/renderer -> core/)
    expect(crossing(at('renderer/stores/x.ts'), '../../electron/ipc.js')).toMatch(/renderer -> electron/)
    expect(crossing(at('core/engine.ts'), '../electron/main.js')).toMatch(/core -> electron/)
    expect(crossing(at('shared/contract/api.ts'), '../../core/engine.js')).toMatch(/shared -> core/)
    expect(crossing(at('shared/contract/api.ts'), 'node:fs')).toMatch(/runs in the browser/)
    expect(crossing(at('renderer/main.tsx'), 'node:path')).toMatch(/runs in the browser/)
    expect(crossing(at('core/engine.ts'), 'electron')).toMatch(/only electron/)
    expect(crossing(at('electron/main.ts'), '../core/engine.js')).toBeNull()
    expect(crossing(at('renderer/main.tsx'), `..${'/'}shared/contract/index.js`)).toBeNull()
    expect(imports(at('e2e/architecture.test.ts'))).toContain('vitest')
  })

  it('is never broken', () => {
    expect(violations()).toEqual([])
  })
})

// A fresh clone stands alone: nothing in the repository may reach outside it (the design notes
// and corpora it started from were copied in: docs/architecture.md, e2e/corpus/).
describe('a fresh clone needs nothing beside it', () => {
  const TEXT = /\.(ts|tsx|mts|mjs|cjs|js|json|md|sh|yml|yaml)$/
  const tracked = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      if (['node_modules', 'dist', '.git', 'test-results', 'playwright-report'].includes(entry.name))
        return []
      const full = path.join(dir, entry.name)
      return entry.isDirectory() ? tracked(full) : TEXT.test(entry.name) ? [full] : []
    })

  /** Relative paths to a `shared/` in `text` (written in `file`) that climb out of the repository.
   * (Other climbs, such as dist/electron's `../../assets`, are relative to a build folder.) */
  function escapes(file: string, text: string): string[] {
    const out: string[] = []
    for (const match of text.matchAll(/(?:\.\.\/)+shared\b/g)) {
      const target = path.resolve(path.dirname(file), match[0])
      if (!target.startsWith(root + path.sep)) out.push(`${path.relative(root, file)}: ${match[0]}`)
    }
    if (/['"]\.\.['"],\s*['"]shared['"]/.test(text))
      out.push(`${path.relative(root, file)}: a join of .. and shared`)
    return out
  }

  it('catches a path that leaves the repository', () => {
    // The samples are assembled here so that this file itself names no path outside the repository.
    const up = '..'
    expect(escapes(path.join(root, 'README.md'), `see ${up}/shared/DESIGN.md`)).toHaveLength(1)
    expect(escapes(path.join(root, 'e2e/lab/x.ts'), `path.resolve(ROOT, '${up}', 'shared')`)).toHaveLength(1)
    expect(
      escapes(path.join(root, 'core/cli/x.ts'), `import '${up}/${up}/shared/contract/index.js'`),
    ).toEqual([])
  })

  it('has no test, script or document that reads outside the repository', () => {
    const self = path.join(root, 'e2e', 'architecture.test.ts')
    const found = tracked(root)
      .filter((file) => file !== self)
      .flatMap((file) => escapes(file, readFileSync(file, 'utf8')))
    expect(found).toEqual([])
  })
})
