// `npm run check:house`: the house rules of docs/architecture.md (sizes and circles), checked
// over the product code (electron/, core/, renderer/, shared/, scripts/; not tests, e2e/ or bench/):
// - no function, method, arrow function or React component spans more than 120 lines;
// - no file is over 500 lines unless its first comment gives the reason, as "Over 500 lines: why";
// - no import circle among product files. `import type` counts: a type-only circle is still a
//   circle for a reader, who has to read both files to understand either.
// Prints one line per violation and a summary line; exits 1 on any violation.
//
// It reads the syntax trees of TypeScript's own parser (TypeScript 7's API, one tsgo process for
// the run, no type-check), so it runs in about two seconds. That API is marked unstable; the
// version is pinned in package.json, and scripts/check-house.test.ts shows when an update breaks it.
//
// `node scripts/check-house.mjs [root]`: another root is for the test's small trees.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { SyntaxKind } from 'typescript/unstable/ast'
import { API } from 'typescript/unstable/sync'

export const MAX_FUNCTION_LINES = 120
export const MAX_FILE_LINES = 500
/** What the first comment of a longer file says, followed by its reason. */
export const LONG_FILE_MARKER = 'Over 500 lines:'
export const PRODUCT_DIRS = ['electron', 'core', 'renderer', 'shared', 'scripts']

const SOURCE = /\.(ts|tsx|mts|mjs|js)$/
const TEST = /\.test\.(ts|tsx|mts|mjs|js)$/

/** Product source files under `dirs` of `root`, relative to `root` with forward slashes. */
export function productFiles(root, dirs = PRODUCT_DIRS) {
  const found = []
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name)
      if (statSync(full).isDirectory()) {
        if (name !== 'node_modules' && name !== 'dist') walk(full)
      } else if (SOURCE.test(name) && !TEST.test(name)) {
        found.push(path.relative(root, full).split(path.sep).join('/'))
      }
    }
  }
  for (const dir of dirs) if (existsSync(path.join(root, dir))) walk(path.join(root, dir))
  return found.sort()
}

const FUNCTIONS = new Set([
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.FunctionExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.MethodDeclaration,
  SyntaxKind.Constructor,
  SyntaxKind.GetAccessor,
  SyntaxKind.SetAccessor,
])
const CLASSES = new Set([SyntaxKind.ClassDeclaration, SyntaxKind.ClassExpression])
const NAMED_BY_PARENT = new Set([
  SyntaxKind.VariableDeclaration,
  SyntaxKind.PropertyAssignment,
  SyntaxKind.PropertyDeclaration,
])

function nameText(name, source) {
  return name ? name.getText(source) : undefined
}

/** A name a reader can search for: the function's own, its variable's, its property's, its caller's. */
function functionName(node, source) {
  const own = nameText(node.name, source)
  const parent = node.parent
  if (node.kind === SyntaxKind.Constructor) return `${nameText(parent.name, source) ?? 'class'}.constructor`
  if (own && CLASSES.has(parent.kind)) return `${nameText(parent.name, source) ?? 'class'}.${own}`
  if (own) return own
  if (NAMED_BY_PARENT.has(parent.kind)) return nameText(parent.name, source)
  if (parent.kind === SyntaxKind.CallExpression)
    return `${parent.expression.getText(source).slice(0, 40)}(…) callback`
  return '(anonymous)'
}

function lineOf(source, pos) {
  return source.getLineAndCharacterOfPosition(pos).line + 1
}

/** Functions of one parsed file that span more than MAX_FUNCTION_LINES lines. */
function longFunctions(file, source) {
  const found = []
  const visit = (node) => {
    if (FUNCTIONS.has(node.kind) && node.body) {
      const start = lineOf(source, node.getStart(source))
      const lines = lineOf(source, node.end) - start + 1
      if (lines > MAX_FUNCTION_LINES)
        found.push({ kind: 'function', file, line: start, name: functionName(node, source), lines })
    }
    node.forEachChild(visit)
  }
  source.forEachChild(visit)
  return found
}

/** The first comment block of the file (consecutive `//` lines count as one comment). */
export function firstComment(text) {
  const body = text.replace(/^#!.*\n/, '').replace(/^\s*/, '')
  const block = body.startsWith('/*')
    ? body.match(/^\/\*[\s\S]*?\*\//)
    : body.match(/^\/\/.*(\n[ \t]*\/\/.*)*/)
  return block ? block[0] : ''
}

function lineCount(text) {
  if (text === '') return 0
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
}

/** The file itself when it is over MAX_FILE_LINES lines without a reason in its first comment. */
function longFile(file, text) {
  const lines = lineCount(text)
  if (lines <= MAX_FILE_LINES) return []
  const comment = firstComment(text)
  const at = comment.indexOf(LONG_FILE_MARKER)
  const reason = at < 0 ? '' : comment.slice(at + LONG_FILE_MARKER.length).replace(/[\s/*]+/g, ' ')
  if (reason.trim().length > 0) return []
  return [{ kind: 'file', file, line: 1, name: '(file)', lines }]
}

/** Relative specifiers of the file's static imports and re-exports, with their lines. */
function importSpecifiers(source) {
  const found = []
  for (const statement of source.statements) {
    const spec =
      (statement.kind === SyntaxKind.ImportDeclaration || statement.kind === SyntaxKind.ExportDeclaration) &&
      statement.moduleSpecifier?.kind === SyntaxKind.StringLiteral
        ? statement.moduleSpecifier.text
        : undefined
    if (spec?.startsWith('.')) found.push({ spec, line: lineOf(source, statement.getStart(source)) })
  }
  return found
}

/** The product file a relative specifier names (`.js` resolves to `.ts`/`.tsx`, as TypeScript does). */
function resolve(from, spec, known) {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec))
  const stem = base.replace(/\.(m?js|jsx)$/, '')
  const candidates = [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.mts`,
    `${stem}.mjs`,
    `${stem}.js`,
    `${base}/index.ts`,
    `${base}/index.tsx`,
  ]
  return candidates.find((candidate) => known.has(candidate))
}

/** Strongly connected components of the import graph (Tarjan), those that hold a circle. */
function circularComponents(graph) {
  let counter = 0
  const index = new Map()
  const low = new Map()
  const stack = []
  const onStack = new Set()
  const components = []
  const connect = (node) => {
    index.set(node, counter)
    low.set(node, counter)
    counter++
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node).keys()) {
      if (!index.has(next)) {
        connect(next)
        low.set(node, Math.min(low.get(node), low.get(next)))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)))
    }
    if (low.get(node) !== index.get(node)) return
    const component = []
    let member
    do {
      member = stack.pop()
      onStack.delete(member)
      component.push(member)
    } while (member !== node)
    if (component.length > 1 || graph.get(node).has(node)) components.push(component.sort())
  }
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node)
  return components
}

/** The shortest circle from `start` back to itself, within `members`. */
function shortestCircle(graph, start, members) {
  const previous = new Map()
  const queue = [start]
  while (queue.length > 0) {
    const node = queue.shift()
    for (const next of [...graph.get(node).keys()].sort()) {
      if (!members.has(next)) continue
      if (next === start) {
        const path = [start]
        for (let at = node; at !== start; at = previous.get(at)) path.splice(1, 0, at)
        return [...path, start]
      }
      if (!previous.has(next)) {
        previous.set(next, node)
        queue.push(next)
      }
    }
  }
  return [start, start]
}

/** One circle per file of each circular component, each circle once, as a→b→a. */
function importCircles(graph) {
  const found = []
  for (const component of circularComponents(graph)) {
    const members = new Set(component)
    const seen = new Set()
    for (const start of component) {
      const circle = shortestCircle(graph, start, members)
      const ring = circle.slice(0, -1)
      const first = ring.indexOf([...ring].sort()[0])
      const canonical = [...ring.slice(first), ...ring.slice(0, first)]
      const key = canonical.join('→')
      if (seen.has(key)) continue
      seen.add(key)
      const cycle = [...canonical, canonical[0]]
      const line = graph.get(cycle[0]).get(cycle[1])
      found.push({ kind: 'circle', file: cycle[0], line, name: 'import circle', cycle })
    }
  }
  return found
}

/** Every violation under `dirs` of `root`, and how many files were read. */
export function checkHouse(root, dirs = PRODUCT_DIRS) {
  const files = productFiles(root, dirs)
  const known = new Set(files)
  const graph = new Map()
  const violations = []
  const api = new API({ cwd: root })
  try {
    const absolute = files.map((file) => path.join(root, file))
    const snapshot = api.updateSnapshot({ openFiles: absolute })
    for (const [i, file] of files.entries()) {
      const source = snapshot.getDefaultProjectForFile(absolute[i])?.program.getSourceFile(absolute[i])
      if (!source) throw new Error(`check:house: TypeScript did not parse ${file}`)
      violations.push(...longFile(file, readFileSync(absolute[i], 'utf8')), ...longFunctions(file, source))
      const edges = new Map()
      for (const { spec, line } of importSpecifiers(source)) {
        const target = resolve(file, spec, known)
        if (target && !edges.has(target)) edges.set(target, line)
      }
      graph.set(file, edges)
    }
  } finally {
    api.close()
  }
  violations.push(...importCircles(graph))
  return { files: files.length, violations }
}

/** One line per violation: file:line name what. */
export function describeViolation(violation) {
  const at = `${violation.file}:${violation.line}`
  if (violation.kind === 'function')
    return `${at} ${violation.name} ${violation.lines} lines (a function may span ${MAX_FUNCTION_LINES})`
  if (violation.kind === 'file')
    return `${at} ${violation.name} ${violation.lines} lines (over ${MAX_FILE_LINES}, and its first comment gives no "${LONG_FILE_MARKER}" reason)`
  return `${at} ${violation.name} ${violation.cycle.join(' → ')}`
}

export function summary({ files, violations }, ms) {
  const count = (kind) => violations.filter((violation) => violation.kind === kind).length
  return (
    `check:house: ${count('function')} functions over ${MAX_FUNCTION_LINES} lines, ` +
    `${count('file')} files over ${MAX_FILE_LINES} lines without a reason, ` +
    `${count('circle')} import circles (${files} files, ${ms} ms)`
  )
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now()
  const root = process.argv[2]
    ? path.resolve(process.argv[2])
    : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  const result = checkHouse(root)
  for (const violation of result.violations) console.log(describeViolation(violation))
  console.log(summary(result, Date.now() - started))
  process.exit(result.violations.length === 0 ? 0 : 1)
}
