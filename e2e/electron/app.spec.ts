// The desktop shell, launched for real: the window loads the app from app://mailwarden, the page
// sees only the contract's bridge, and a call goes through the guarded IPC to the engine.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { type ElectronApplication, _electron as electron, expect, type Page, test } from '@playwright/test'
import { electronRuntimePath, electronSkipReason, REPO_ROOT } from './runtime.js'

const runtime = electronRuntimePath()
const MAIN = path.join(REPO_ROOT, 'dist', 'electron', 'main.mjs')

// biome-ignore lint/suspicious/noSkippedTests: skipped only where the Electron runtime is absent, and says so
test.skip(electronSkipReason() !== null, electronSkipReason() ?? '')

// Chromium refuses to start as root without its OS sandbox; the renderer sandbox (sandbox: true,
// app.enableSandbox) still applies. Elsewhere the OS sandbox stays on.
const SANDBOX_ARGS = process.getuid?.() === 0 ? ['--no-sandbox'] : []

interface Desktop {
  app: ElectronApplication
  window: Page
  configDir: string
}

const it = test.extend<{ desktop: Desktop }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixtures
  desktop: async ({}, use) => {
    const configDir = await mkdtemp(path.join(os.tmpdir(), 'mailwarden-electron-'))
    const app = await electron.launch({
      executablePath: runtime ?? '',
      args: [...SANDBOX_ARGS, MAIN],
      cwd: REPO_ROOT,
      env: { ...process.env, MAILWARDEN_CONFIG_DIR: configDir },
    })
    try {
      const window = await app.firstWindow()
      await window.waitForLoadState('domcontentloaded')
      await use({ app, window, configDir })
    } finally {
      await app.close()
      await rm(configDir, { recursive: true, force: true })
    }
  },
})

it('opens the app window on its own origin, with the app title', async ({ desktop }) => {
  expect(desktop.window.url()).toBe('app://mailwarden/index.html')
  const title = await desktop.app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows()[0]?.getTitle(),
  )
  expect(title).toMatch(/Mailwarden/)
})

it('gives the page the bridge and nothing of Node', async ({ desktop }) => {
  const seen = await desktop.window.evaluate(() => {
    const page = globalThis as unknown as { mailwarden?: { api?: { app?: { info?: unknown } } } }
    return {
      bridgeKeys: Object.keys(page.mailwarden ?? {}).sort(),
      info: typeof page.mailwarden?.api?.app?.info,
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      module: typeof (globalThis as { module?: unknown }).module,
    }
  })
  expect(seen).toEqual({
    bridgeKeys: ['api', 'onEvent'],
    info: 'function',
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
  })
})

it('asks the engine what it is through app.info', async ({ desktop }) => {
  const result = await desktop.window.evaluate(() => {
    const page = globalThis as unknown as {
      mailwarden: { api: { app: { info(request: object): Promise<unknown> } } }
    }
    return page.mailwarden.api.app.info({})
  })
  expect(result).toMatchObject({ ok: true, value: { name: 'Mailwarden', shell: 'electron' } })
  const value = (result as { value: { configDir: string } }).value
  expect(path.resolve(value.configDir)).toBe(path.resolve(desktop.configDir))
})

it('stays on the app when the page tries to navigate away or open a window', async ({ desktop }) => {
  await desktop.window.evaluate(() => {
    const page = globalThis as unknown as { location: { href: string }; open(url: string): unknown }
    page.open('app://mailwarden/index.html')
    page.location.href = 'file:///etc/passwd'
  })
  await desktop.window.waitForTimeout(500)
  expect(desktop.window.url()).toBe('app://mailwarden/index.html')
  expect(desktop.app.windows()).toHaveLength(1)
})
