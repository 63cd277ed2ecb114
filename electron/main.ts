// The desktop shell's entry point (bundled to dist/electron/main.mjs). Thin on purpose: it wires
// the engine from core/ to the window through the guarded IPC in ipc.ts and does nothing else.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, ipcMain, session, type Tray } from 'electron'
import { createEngine } from '../core/engine.js'
import { createTray, installAppMenu } from './chrome.js'
import { registerIpcHandlers } from './ipc.js'
import { handleAppProtocol, registerAppScheme } from './protocol.js'
import { createMainWindow, hardenSession, hardenWebContents } from './window.js'

// Paths relative to this bundle in dist/electron/, in a checkout and inside app.asar alike.
const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url))
const RENDERER_ROOT = fileURLToPath(new URL('../renderer/', import.meta.url))
const ICON = fileURLToPath(new URL('../../assets/icon.png', import.meta.url))

// MAILWARDEN_CONFIG_DIR overrides the config directory as it does for the CLI and web host (tests
// give each run a fresh one). Set before the instance lock, which is held per userData directory.
const configOverride = process.env.MAILWARDEN_CONFIG_DIR
if (configOverride) app.setPath('userData', path.resolve(configOverride))

// Both must happen before 'ready'.
app.enableSandbox()
registerAppScheme()

let mainWindow: BrowserWindow | null = null
let tray: Tray | null = null
let disposeIpc: (() => void) | null = null
let engine: ReturnType<typeof createEngine> | null = null

function showWindow(): void {
  if (mainWindow === null || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow({
      preload: PRELOAD,
      icon: existsSync(ICON) ? ICON : undefined,
      devTools: !app.isPackaged,
    })
    mainWindow.on('closed', () => {
      mainWindow = null
    })
    return
  }
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.show()
  mainWindow.focus()
}

async function start(): Promise<void> {
  // Every webContents, including any the app did not mean to create, gets the same rules.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents))
  app.on('second-instance', showWindow)
  app.on('activate', showWindow) // macOS: clicking the dock icon with no window open
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', () => {
    disposeIpc?.()
    tray?.destroy()
    void engine?.dispose()
  })

  await app.whenReady()
  hardenSession(session.defaultSession)
  handleAppProtocol(RENDERER_ROOT)

  engine = createEngine({ configDir: app.getPath('userData'), shell: 'electron' })
  disposeIpc = registerIpcHandlers(ipcMain, engine, {
    recipients: () => BrowserWindow.getAllWindows().map((window) => window.webContents),
  })

  installAppMenu()
  showWindow()
  tray = createTray(existsSync(ICON) ? ICON : undefined, showWindow)
}

// A second launch hands over to the first (which gets 'second-instance') and leaves.
if (app.requestSingleInstanceLock()) {
  start().catch((error: unknown) => {
    console.error('Mailwarden could not start:', error)
    app.exit(1)
  })
} else {
  app.quit()
}
