// `npm run check:electron`: runs Doyensec's Electronegativity over electron/ (it reads the source;
// no Electron runtime), and fails on any finding not accepted below, on an accepted finding that no
// longer occurs, and on any file the tool could not parse (the tool itself only prints those and
// exits 0 whatever it found). Each accepted finding is explained in docs/security.md, next to the
// checklist item it concerns; this script fails if the explanation is missing.
//
// The tool reads our TypeScript with its own Babel parser (TypeScript 4.2's is only its fallback),
// so it runs over the sources, not the bundles.
//
// Offline by construction: the tool fetches translations on every run, and Electron's release list
// for AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK. Both go through `got`, which is replaced here by a stub
// that refuses; that check is excluded (see EXCLUDED).
//
// Run with tsx: the Content Security Policy is read from electron/csp.ts itself.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CONTENT_SECURITY_POLICY } from '../electron/csp.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const input = path.join(root, 'electron')

/** Accepted findings: the tool's check id and the file (relative to electron/). Why: docs/security.md. */
const ACCEPTED = [
  // Every preload is flagged for review; ours exposes one frozen bridge (checklist 3 and 19).
  { id: 'PRELOAD_JS_CHECK', file: 'window.ts' },
  // The URL is opened only if isAllowedExternalUrl says https: or mailto: (checklist 14).
  { id: 'OPEN_EXTERNAL_JS_CHECK', file: 'window.ts' },
  // A middle-click asks for a new window like any other, and setWindowOpenHandler denies it (13).
  { id: 'AUXCLICK_JS_CHECK', file: 'window.ts' },
  // The tool cannot read a policy imported from csp.ts; checkPolicy() below evaluates it (7).
  { id: 'CSP_GLOBAL_CHECK', file: 'window.ts' },
]

/** Checks not run. */
const EXCLUDED = [
  // Downloads Electron's release list: the network, and a verdict that changes with the day CI runs.
  // The Electron version is pinned in package.json and moves with reviewed dependency updates (15).
  'availablesecurityfixesglobalcheck',
]

/**
 * What the tool's CSP evaluator may say of our policy (type and directive, as the evaluator names
 * them). 305: "'self' can be problematic if you host JSONP, Angular or user uploaded files": the
 * app:// origin serves only the built renderer (checklist 7).
 */
const ACCEPTED_CSP = [{ type: 305, directive: 'script-src', value: "'self'" }]

const toolRequire = createRequire(
  createRequire(import.meta.url).resolve('@doyensec/electronegativity/package.json'),
)

/** Seeds the module cache so that `require(request)` from inside `fromPackage` gets `exports`. */
function seed(fromPackage, request, exports) {
  const from = createRequire(toolRequire.resolve(`${fromPackage}/package.json`))
  const file = from.resolve(request)
  from.cache[file] = { id: file, filename: file, loaded: true, exports }
}

function offline() {
  const refuse = () => Promise.reject(new Error('no network: scripts/check-electron.mjs'))
  refuse.head = refuse
  refuse.get = refuse
  seed('@doyensec/electronegativity', 'got', refuse)
  // The tool's fallback TypeScript parser (typescript-estree 4, with tsutils) takes `typescript` as
  // an optional peer, which npm resolves to the project's TypeScript, whose API it cannot load:
  // hand it the TypeScript 4.2 the tool ships with.
  const typescript4 = toolRequire('typescript')
  seed('@typescript-eslint/typescript-estree', 'typescript', typescript4)
  seed('tsutils', 'typescript', typescript4)
  // The tool picks its messages by LANG; its own en-US ones ship with it.
  process.env.LANG = 'en-US'
}

async function scan(electronVersion) {
  const run = toolRequire('./dist/runner.js')
  const log = console.log
  // It logs that the translation lookup failed: that is the stub, by design.
  console.log = () => {}
  try {
    return await run({
      input,
      customScan: [],
      excludeFromScan: EXCLUDED,
      isRelative: true,
      isVerbose: true,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    })
  } finally {
    console.log = log
  }
}

/** The tool's own CSP evaluation (CSP_GLOBAL_CHECK), on the policy the app really sends. */
function checkPolicy() {
  const csp = toolRequire('@doyensec/csp-evaluator')
  const parsed = new csp.CspParser(CONTENT_SECURITY_POLICY)
  const findings = new csp.CspEvaluator(parsed.csp, csp.Version.CSP3).evaluate()
  // The severities the tool reports as a weak policy (HIGH, MEDIUM and their "maybe"s), and syntax.
  const reported = [csp.severities.HIGH, csp.severities.SYNTAX, csp.severities.MEDIUM]
  reported.push(csp.severities.HIGH_MAYBE, csp.severities.MEDIUM_MAYBE)
  let failed = 0
  for (const f of findings.filter((f) => reported.includes(f.severity))) {
    const ok = ACCEPTED_CSP.some(
      (a) => a.type === f.type && a.directive === f.directive && a.value === f.value,
    )
    if (ok) continue
    console.error(`CSP (electron/csp.ts) ${f.directive} ${f.value ?? ''}: ${f.description}`)
    failed++
  }
  return failed
}

function judge(result) {
  const security = readFileSync(path.join(root, 'docs', 'security.md'), 'utf8')
  let failed = 0
  for (const error of result.errors) {
    console.error(`cannot parse ${path.relative(root, error.file)}: ${error.message}`)
    failed++
  }
  for (const issue of result.issues) {
    const where = `electron/${issue.file}:${issue.location.line}:${issue.location.column}`
    const accepted = ACCEPTED.some((a) => a.id === issue.id && a.file === issue.file)
    if (accepted && security.includes(issue.id)) {
      console.log(`accepted  ${issue.id} ${where}`)
      continue
    }
    console.error(`${issue.id} (${issue.severity.name}, ${issue.confidence.name}) ${where}`)
    console.error(`  ${issue.description}`)
    if (accepted)
      console.error('  accepted in scripts/check-electron.mjs, but not explained in docs/security.md')
    failed++
  }
  for (const a of ACCEPTED) {
    if (result.issues.some((issue) => issue.id === a.id && issue.file === a.file)) continue
    console.error(`${a.id} electron/${a.file} is accepted but no longer found: remove it here and in docs`)
    failed++
  }
  return failed
}

offline()
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
const electronVersion = pkg.devDependencies.electron
const result = await scan(electronVersion)
const failed = judge(result) + checkPolicy()
console.log(
  `electronegativity, Electron ${electronVersion}: ${result.globalChecks + result.atomicChecks} checks, ` +
    `${result.issues.length} findings, ${failed} not accepted`,
)
process.exit(failed === 0 ? 0 : 1)
