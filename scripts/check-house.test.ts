// `npm run check:house` over small trees written for the purpose: each rule reports what breaks it,
// and nothing else; a clean tree passes.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const script = path.join(import.meta.dirname, 'check-house.mjs')
let roots: string[] = []

afterEach(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true })
  roots = []
})

/** A tree of files (relative path -> text) in a new temporary directory. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mailwarden-house-'))
  roots.push(root)
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    writeFileSync(path.join(root, file), text)
  }
  return root
}

function check(root: string): { status: number | null; lines: string[] } {
  const run = spawnSync(process.execPath, [script, root], { encoding: 'utf8', timeout: 60_000 })
  return { status: run.status, lines: run.stdout.trim().split('\n') }
}

/** A function whose declaration spans exactly `lines` lines. */
function functionOf(name: string, lines: number): string {
  const body = Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i}`)
  return [`export function ${name}(): number {`, ...body, '}', ''].join('\n')
}

/** An arrow-function React component spanning exactly `lines` lines. */
function componentOf(name: string, lines: number): string {
  const rows = Array.from({ length: lines - 4 }, (_, i) => `      <p>${i}</p>`)
  return [`export const ${name} = () => (`, '    <div>', ...rows, '    </div>', ')', ''].join('\n')
}

/** A file of `lines` lines that starts with `comment`. */
function fileOf(comment: string, lines: number): string {
  const rest = Array.from({ length: lines - 1 }, (_, i) => `export const c${i} = ${i}`)
  return [comment, ...rest, ''].join('\n')
}

describe('check:house', () => {
  it('reports a 121-line function and component, a 501-line file without a reason, and a circle', () => {
    const root = tree({
      'core/long.ts': `// Long.\n${functionOf('tooLong', 121)}${functionOf('justRight', 120)}`,
      'renderer/View.tsx': `// A view.\n${componentOf('BigView', 121)}`,
      'core/big.ts': fileOf('// A big file with no reason given.', 501),
      'core/big-empty.ts': fileOf('// Over 500 lines:', 501),
      'core/big-ok.ts': fileOf(
        '// A table.\n// Over 500 lines: one row per client setting; split, it reads worse.',
        501,
      ),
      'core/at-limit.ts': fileOf('// Exactly the limit.', 500),
      'core/a.ts': "import type { B } from './b.js'\nexport interface A { b: B }\n",
      'core/b.ts': "import { type A } from './a.js'\nexport interface B { a?: A }\n",
      'core/not-a-test.test.ts': functionOf('longTest', 200),
      'e2e/helper.ts': functionOf('longHelper', 200),
    })
    const { status, lines } = check(root)
    expect(status).toBe(1)
    expect(lines.slice(0, -1).sort()).toEqual(
      [
        'core/a.ts:1 import circle core/a.ts → core/b.ts → core/a.ts',
        'core/big-empty.ts:1 (file) 501 lines (over 500, and its first comment gives no "Over 500 lines:" reason)',
        'core/big.ts:1 (file) 501 lines (over 500, and its first comment gives no "Over 500 lines:" reason)',
        'core/long.ts:2 tooLong 121 lines (a function may span 120)',
        'renderer/View.tsx:2 BigView 121 lines (a function may span 120)',
      ].sort(),
    )
    expect(lines.at(-1)).toMatch(
      /^check:house: 2 functions over 120 lines, 2 files over 500 lines without a reason, 1 import circles \(8 files, \d+ ms\)$/,
    )
  })

  it('passes a tree that keeps the rules', () => {
    const root = tree({
      'core/a.ts': "import { b } from './b.js'\nexport const a = () => b\n",
      'core/b.ts': 'export const b = 1\n',
      'shared/c.ts': functionOf('fits', 120),
      'electron/d.ts': fileOf('// Over 500 lines: a reason.', 600),
    })
    const { status, lines } = check(root)
    expect(lines).toEqual([
      expect.stringMatching(/^check:house: 0 functions .* 0 import circles \(4 files, /),
    ])
    expect(status).toBe(0)
  })
})
