// `npm test`: every suite, in the real environment they need, ending with `N passed, N failed`.
//  1. Debian packages (Chromium, D-Bus, GNOME Keyring, the lab's servers): installed if missing
//     and we are root; otherwise one line saying what to run.
//  2. A private D-Bus session with a fresh, unlocked GNOME Keyring (the real OS keychain).
//  3. A fresh build, then the mail lab up once for both runners, then Vitest and Playwright.
// The only skip allowed is the Electron-runtime test where that runtime is absent.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { findElectronRuntime } from './electron-runtime.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const extraArgs = process.argv.slice(2)

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options })
  return result.status ?? 1
}

// 1. Prerequisites.
const needed = [
  'chromium',
  'dbus-run-session',
  'gnome-keyring-daemon',
  'dovecot',
  'exim4',
  'perdition',
  'dnsmasq',
  'nginx',
  'dkimverify',
  'stunnel4',
  'curl',
]
if (!process.env.MAILWARDEN_KEYRING_SESSION && needed.some((c) => !have(c))) {
  if (process.getuid?.() === 0 && have('apt-get')) {
    if (run('sh', [path.join(root, 'scripts/install-debian-deps.sh')]) !== 0) process.exit(3)
  } else {
    console.error(
      `Missing ${needed.filter((c) => !have(c)).join(', ')}: run sudo sh scripts/install-debian-deps.sh first.`,
    )
    process.exit(3)
  }
}

// 2. Re-run ourselves inside a private keychain session.
if (!process.env.MAILWARDEN_KEYRING_SESSION) {
  const status = run('dbus-run-session', [
    '--',
    'sh',
    path.join(root, 'scripts/keyring-session.sh'),
    process.execPath,
    ...process.argv.slice(1),
  ])
  process.exit(status)
}

// 3. Build, lab, suites.
const resultsDir = path.join(root, 'test-results')
mkdirSync(resultsDir, { recursive: true })
if (run(process.execPath, [path.join(root, 'scripts/build.mjs')]) !== 0) {
  console.log('0 passed, 1 failed')
  process.exit(1)
}

let labStarted = false
if (process.getuid?.() === 0) {
  // 0: this run started the lab (and takes it down at the end); 10: it was up already (a
  // developer's, or another run's) and stays up.
  const lab = run(bin('tsx'), ['e2e/lab/cli.ts', 'ensure-up'])
  labStarted = lab === 0
  if (lab !== 0 && lab !== 10) console.error('The mail lab did not come up; the lab tests will report why.')
} else {
  console.error('Not root: the mail lab needs root (ports below 1024), so its tests will fail.')
}

const totals = { passed: 0, failed: 0, skipped: 0 }
const problems = []
try {
  const vitestJson = path.join(resultsDir, 'vitest.json')
  const vitestStatus = run(bin('vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${vitestJson}`,
    ...extraArgs,
  ])
  if (existsSync(vitestJson)) {
    const report = JSON.parse(readFileSync(vitestJson, 'utf8'))
    totals.passed += report.numPassedTests
    totals.failed += report.numFailedTests
    if (report.numPendingTests + report.numTodoTests > 0) {
      problems.push(
        `Vitest skipped ${report.numPendingTests + report.numTodoTests} tests; no skip is allowed there.`,
      )
      totals.failed += report.numPendingTests + report.numTodoTests
    }
    if (vitestStatus !== 0 && report.numFailedTests === 0)
      problems.push(`Vitest exited with ${vitestStatus}.`)
  } else problems.push('Vitest wrote no report.')

  const playwrightJson = path.join(resultsDir, 'playwright.json')
  // Electron needs a display on Linux; a headless machine that has the runtime gets Xvfb.
  const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
  const electron = findElectronRuntime(root)
  const xvfb = headless && electron.path !== null && have('xvfb-run')
  const playwrightArgs = ['test', '--reporter=list,json']
  const playwrightStatus = xvfb
    ? run('xvfb-run', ['-a', bin('playwright'), ...playwrightArgs], {
        env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
      })
    : run(bin('playwright'), playwrightArgs, {
        env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
      })
  if (existsSync(playwrightJson)) {
    const report = JSON.parse(readFileSync(playwrightJson, 'utf8'))
    const { expected, unexpected, flaky, skipped } = report.stats
    totals.passed += expected
    totals.failed += unexpected + flaky
    const skippedSpecs = collectSkipped(report.suites ?? [])
    const allowed = electron.path ? [] : skippedSpecs.filter((s) => s.file.startsWith('electron/'))
    if (allowed.length > 0) {
      console.log(
        `\nSKIPPED ${allowed.length} Electron test(s): ${electron.reason}. They run where the runtime exists.`,
      )
    }
    const forbidden = skipped - allowed.length
    if (forbidden > 0) {
      problems.push(
        `Playwright skipped ${forbidden} test(s) outside the Electron-runtime test; that is not allowed.`,
      )
      totals.failed += forbidden
    }
    totals.skipped += allowed.length
    if (playwrightStatus !== 0 && unexpected + flaky === 0)
      problems.push(`Playwright exited with ${playwrightStatus}.`)
  } else problems.push('Playwright wrote no report.')
} finally {
  if (labStarted) run(bin('tsx'), ['e2e/lab/cli.ts', 'down'])
}

function collectSkipped(suites) {
  const out = []
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? [])
        if (t.status === 'skipped') out.push({ file: spec.file, title: spec.title })
    }
    for (const child of suite.suites ?? []) walk(child)
  }
  for (const suite of suites) walk(suite)
  return out
}

for (const problem of problems) console.error(problem)
if (problems.length > 0 && totals.failed === 0) totals.failed = 1
console.log(
  `\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
)
process.exit(totals.failed === 0 ? 0 : 1)
