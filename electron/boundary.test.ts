// The dependency rule for the shell: electron/ may import core/, shared/, Electron and Node, and
// never renderer/ (the page must reach the engine only through the bridge).
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const dir = fileURLToPath(new URL('.', import.meta.url))
const sources = readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
const IMPORT = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g

describe('electron/ imports', () => {
  it.each(sources)('%s imports only electron, node:, core/, shared/ or its neighbours', (name) => {
    const text = readFileSync(`${dir}/${name}`, 'utf8')
    for (const [, specifier] of text.matchAll(IMPORT)) {
      expect(specifier).toMatch(/^(electron$|node:|\.\/[\w-]+\.js$|\.\.\/(core|shared)\/)/)
    }
  })

  it.each(['preload.ts', 'preload-api.ts'])(
    '%s, which runs beside the page, does not import core/',
    (name) => {
      expect(readFileSync(`${dir}/${name}`, 'utf8')).not.toMatch(/from '\.\.\/core\//)
    },
  )
})
