// The desktop shell's own flows, launched for real where the Electron runtime exists: a message
// named on the command line lands verified in the DKIM view, the tray follows the tunnels, and a
// tunnel started from the window carries a real client to the lab. The page objects are the web
// specs' own, so both runs cover the same user flows.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { type ElectronApplication, _electron as electron, expect, type Page, test } from '@playwright/test'
import { DEFAULT_SETTINGS } from '../../shared/contract/index.js'
import { getLab } from '../lab/lab'
import { DkimPage } from '../ui/pages/dkim'
import { TunnelsPage } from '../ui/pages/tunnels'
import { electronRuntimePath, electronSkipReason, REPO_ROOT } from './runtime.js'

const runtime = electronRuntimePath()
const MAIN = path.join(REPO_ROOT, 'dist', 'electron', 'main.mjs')
const MESSAGE = path.join(REPO_ROOT, 'e2e', 'corpus', 'dkim-real', 'rfc6376-a2.eml')

// biome-ignore lint/suspicious/noSkippedTests: skipped only where the Electron runtime is absent, and says so
test.skip(electronSkipReason() !== null, electronSkipReason() ?? '')

const SANDBOX_ARGS = process.getuid?.() === 0 ? ['--no-sandbox'] : []

interface TrayView {
  status: string
  tooltip: string
  items: { kind: string; label?: string; action?: string }[]
}

async function launch(
  args: string[],
): Promise<{ app: ElectronApplication; window: Page; close(): Promise<void> }> {
  const lab = getLab()
  const configDir = await mkdtemp(path.join(os.tmpdir(), 'mailwarden-desktop-'))
  // The lab's DNS, so that keys and servers of lab.test resolve.
  await writeFile(
    path.join(configDir, 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, dnsServer: lab.dns.server, extraCaFile: lab.caPath }),
  )
  const app = await electron.launch({
    executablePath: runtime ?? '',
    args: [...SANDBOX_ARGS, MAIN, ...args],
    cwd: REPO_ROOT,
    env: { ...process.env, MAILWARDEN_CONFIG_DIR: configDir },
  })
  const window = await app.firstWindow()
  await window.waitForLoadState('domcontentloaded')
  return {
    app,
    window,
    close: async () => {
      await app.close()
      await rm(configDir, { recursive: true, force: true })
    },
  }
}

const trayOf = (app: ElectronApplication) =>
  app.evaluate(() =>
    (globalThis as unknown as { mailwardenShell: { trayModel(): TrayView } }).mailwardenShell.trayModel(),
  )

test('opens a message named on the command line in the DKIM view, verified', async () => {
  const { window, close } = await launch([MESSAGE])
  try {
    const dkim = new DkimPage(window)
    await expect(window.getByRole('main').getByRole('heading', { level: 1 })).toHaveText('DKIM')
    await expect(dkim.verdictHeading).toContainText('rfc6376-a2.eml')
  } finally {
    await close()
  }
})

test('the tray follows a tunnel started from the window, which carries curl to the lab', async () => {
  const lab = getLab()
  const { app, window, close } = await launch([])
  try {
    expect((await trayOf(app)).tooltip).toBe('Mailwarden: no tunnel running')
    const tunnels = new TunnelsPage(window)
    await tunnels.create({ name: 'Desktop IMAP', server: lab.good.dovecot.host, caFile: lab.caPath })
    const port = await tunnels.start('Desktop IMAP')
    await expect.poll(async () => (await trayOf(app)).tooltip).toBe('Mailwarden: 1 tunnel running')
    const tray = await trayOf(app)
    expect(tray.items.some((i) => i.kind === 'tunnel' && i.action === 'stop')).toBe(true)

    const { stdout } = await promisify(execFile)('curl', [
      '-sS',
      '--max-time',
      '10',
      '-u',
      `${lab.user.login}:${lab.user.password}`,
      `imap://127.0.0.1:${port}/`,
    ])
    expect(stdout).toContain('INBOX')
    await expect(tunnels.counter('Desktop IMAP', 'Connections')).toHaveText('1')
  } finally {
    await close()
  }
})
