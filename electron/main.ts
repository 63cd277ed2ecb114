// The desktop shell's entry point (bundled to dist/electron/main.mjs). Thin on purpose: it wires
// the engine from core/ to the window through the guarded IPC in ipc.ts, and the OS (files to
// open, tray, menu, login items, notifications) to the engine and the page. Every decision lives
// in a pure, tested module beside this one (argv, open-message, tray-model, menu-model, ...).
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, clipboard, dialog, ipcMain, Notification, screen, session } from 'electron'
import { createEngine, type Engine } from '../core/engine.js'
import { sharedArchiveStore } from '../core/uploads/store.js'
import type { DesktopCommand, TunnelState as EngineTunnel, OpenedMessage } from '../shared/contract/index.js'
import { registerArchiveRoute } from './archive-route.js'
import { messagePathsFromArgv, startsHidden } from './argv.js'
import { setLinuxAutostart } from './autostart-linux.js'
import { installAppMenu, TrayIcon } from './chrome.js'
import { registerIpcHandlers } from './ipc.js'
import { loginItemSettings } from './login-item.js'
import { type MenuAction, menuTemplate } from './menu-model.js'
import { certificateChanged, tunnelFailed, tunnelNeedsSignIn, turnedToNeedsSignIn } from './notifications.js'
import { MAX_OPENED_MESSAGE_BYTES, MessageRouter, type ReadMessage } from './open-message.js'
import { handleAppProtocol, registerAppScheme } from './protocol.js'
import { keepsRunningWhenClosed, type TunnelState, trayModel, trayTunnel } from './tray-model.js'
import { createMainWindow, hardenSession, hardenWebContents } from './window.js'
import { type DesktopState, loadDesktopState, restoreBounds, saveDesktopState } from './window-state.js'

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
let tray: TrayIcon | null = null
let engine: Engine | null = null
let disposeIpc: (() => void) | null = null
let desktop: DesktopState = { bounds: null, maximized: false, trayNoticeShown: false }
let tunnels: TunnelState[] = []
let quitting = false

function emitCommand(command: DesktopCommand): void {
  showWindow()
  engine?.events.emit('desktop.command', { command })
}

// Messages named by the OS reach the page through the engine's event stream, like every event.
const router = new MessageRouter({
  deliver: (message: OpenedMessage) => engine?.events.emit('desktop.openMessage', message),
  convert: ({ name, bytes }: ReadMessage): OpenedMessage => ({
    message: { kind: 'base64', name: name.slice(0, 300), data: bytes.toString('base64') },
  }),
})

function openMessageFiles(files: readonly string[]): void {
  if (files.length === 0) return
  showWindow()
  for (const file of files) void router.open(file)
}

function saveWindowState(): void {
  if (!mainWindow || mainWindow.isDestroyed()) return
  desktop = {
    ...desktop,
    maximized: mainWindow.isMaximized(),
    bounds: mainWindow.isMaximized() ? desktop.bounds : mainWindow.getNormalBounds(),
  }
  void saveDesktopState(app.getPath('userData'), desktop).catch(() => {})
}

function createWindow(hidden: boolean): BrowserWindow {
  const displays = screen.getAllDisplays().map((d) => d.workArea)
  const window = createMainWindow({
    preload: PRELOAD,
    icon: existsSync(ICON) ? ICON : undefined,
    devTools: !app.isPackaged,
    bounds: restoreBounds(desktop.bounds, displays),
    hidden,
  })
  if (desktop.maximized) window.maximize()
  let saveTimer: NodeJS.Timeout | undefined
  const saveSoon = () => {
    clearTimeout(saveTimer)
    saveTimer = setTimeout(saveWindowState, 500)
  }
  window.on('resize', saveSoon)
  window.on('move', saveSoon)
  window.webContents.on('did-finish-load', () => router.pageReady())
  window.webContents.on('did-start-loading', () => router.pageGone())
  window.on('close', (event) => {
    saveWindowState()
    // Legacy clients depend on running tunnels: closing the window keeps them up, in the tray.
    if (!quitting && tray && keepsRunningWhenClosed(tunnels)) {
      event.preventDefault()
      window.hide()
      if (!desktop.trayNoticeShown) {
        desktop = { ...desktop, trayNoticeShown: true }
        void saveDesktopState(app.getPath('userData'), desktop).catch(() => {})
        if (Notification.isSupported())
          new Notification({
            title: 'Mailwarden is still running',
            body: 'Your tunnels stay up in the tray. Quit from the tray icon to stop them.',
          }).show()
      }
    }
  })
  window.on('closed', () => {
    router.pageGone()
    mainWindow = null
  })
  return window
}

function showWindow(): void {
  if (mainWindow === null || mainWindow.isDestroyed()) {
    mainWindow = createWindow(false)
    return
  }
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.show()
  mainWindow.focus()
}

async function onMenu(action: MenuAction): Promise<void> {
  switch (action) {
    case 'open-message': {
      const options = {
        title: 'Open a message',
        properties: ['openFile', 'multiSelections'] as ('openFile' | 'multiSelections')[],
        filters: [
          { name: 'Email messages', extensions: ['eml'] },
          { name: 'All files', extensions: ['*'] },
        ],
      }
      const result = mainWindow
        ? await dialog.showOpenDialog(mainWindow, options)
        : await dialog.showOpenDialog(options)
      if (!result.canceled) openMessageFiles(result.filePaths)
      return
    }
    case 'paste-message': {
      // The main process reads the clipboard: the sandboxed page has no clipboard permission.
      const bytes = Buffer.from(await clipboard.readText(), 'utf8')
      showWindow()
      const opened: OpenedMessage =
        bytes.length === 0
          ? { name: 'pasted message', error: 'The clipboard holds no text to verify.' }
          : bytes.length > MAX_OPENED_MESSAGE_BYTES
            ? { name: 'pasted message', error: 'The clipboard holds more text than one message can be.' }
            : { message: { kind: 'base64', name: 'pasted message', data: bytes.toString('base64') } }
      engine?.events.emit('desktop.openMessage', opened)
      return
    }
    case 'new-probe':
      return emitCommand('new-probe')
    case 'show-tunnels':
      return emitCommand('show-tunnels')
    case 'about':
      app.showAboutPanel()
      return
  }
}

async function applyStartAtLogin(enabled: boolean): Promise<void> {
  if (!app.isPackaged) return // a development checkout must not register itself at login
  if (process.platform === 'linux') await setLinuxAutostart(enabled, process.execPath)
  else app.setLoginItemSettings(loginItemSettings(enabled))
}

function refreshTray(): void {
  const model = trayModel(tunnels)
  tray?.show(model)
  // Read by the Electron end-to-end test through app.evaluate; never exposed to the page.
  ;(globalThis as { mailwardenShell?: unknown }).mailwardenShell = { trayModel: () => trayModel(tunnels) }
}

async function loadTunnels(current: Engine): Promise<void> {
  const result = await current.call('tunnel.list', {})
  if (result.ok) {
    tunnels = (result.value as { tunnels: EngineTunnel[] }).tunnels.map(trayTunnel)
    refreshTray()
  }
}

function watchEngine(current: Engine): void {
  current.on('tunnel.status', (state) => {
    const next = trayTunnel(state)
    const before = tunnels.find((t) => t.id === next.id)
    tunnels = before ? tunnels.map((t) => (t.id === next.id ? next : t)) : [...tunnels, next]
    refreshTray()
    if (next.status === 'error' && before?.status !== 'error' && Notification.isSupported())
      new Notification(tunnelFailed(next.name, next.error ?? 'it failed')).show()
    if (turnedToNeedsSignIn(before, next) && Notification.isSupported())
      new Notification(tunnelNeedsSignIn(next.name, next.needsSignInFor ?? 'the account')).show()
  })
  current.on('accounts.checked', ({ label, callouts }) => {
    if (!Notification.isSupported()) return
    for (const callout of callouts)
      if (callout.kind === 'certificate-changed')
        new Notification(certificateChanged(label, `${callout.host}:${callout.port}`)).show()
  })
  current.on('settings.changed', (state) => {
    void applyStartAtLogin(state.settings.startAtLogin)
    // A deleted tunnel disappears from the tray too.
    const ids = new Set(state.settings.tunnels.map((t) => t.id))
    tunnels = tunnels.filter((t) => ids.has(t.id))
    refreshTray()
  })
}

async function start(): Promise<void> {
  // Every webContents, including any the app did not mean to create, gets the same rules.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents))
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const files = messagePathsFromArgv(argv, { cwd: workingDirectory, isPackaged: app.isPackaged })
    if (files.length > 0) openMessageFiles(files)
    else showWindow()
  })
  app.on('activate', showWindow) // macOS: clicking the dock icon with no window open
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' && !keepsRunningWhenClosed(tunnels)) app.quit()
  })
  app.on('before-quit', () => {
    quitting = true
  })
  let disposed = false
  app.on('will-quit', (event) => {
    if (disposed) return
    // Close every tunnel and socket before the process goes.
    event.preventDefault()
    disposed = true
    disposeIpc?.()
    tray?.destroy()
    void (engine?.dispose() ?? Promise.resolve()).finally(() => app.quit())
  })

  await app.whenReady()
  hardenSession(session.defaultSession)
  handleAppProtocol(RENDERER_ROOT)
  app.setAboutPanelOptions({
    applicationName: 'Mailwarden',
    applicationVersion: app.getVersion(),
    copyright: 'Copyright © Mailwarden contributors. MIT licence.',
    website: 'https://mailwarden.org',
  })

  desktop = await loadDesktopState(app.getPath('userData'))
  engine = createEngine({ configDir: app.getPath('userData'), shell: 'electron' })
  const current = engine
  disposeIpc = registerIpcHandlers(ipcMain, current, {
    recipients: () => BrowserWindow.getAllWindows().map((window) => window.webContents),
  })
  registerArchiveRoute(ipcMain, sharedArchiveStore(), current.log)
  watchEngine(current)

  installAppMenu(
    menuTemplate(process.platform, { devTools: !app.isPackaged }),
    (action) => void onMenu(action),
  )
  tray = TrayIcon.create(existsSync(ICON) ? ICON : undefined, {
    open: showWindow,
    tunnel: (id, action) => void current.call(action === 'start' ? 'tunnel.start' : 'tunnel.stop', { id }),
    quit: () => app.quit(),
  })
  await loadTunnels(current)

  const hidden = startsHidden(process.argv) && tray !== null
  mainWindow = createWindow(hidden)
  started = true
  openMessageFiles([
    ...earlyFiles.splice(0),
    ...messagePathsFromArgv(process.argv, { cwd: process.cwd(), isPackaged: app.isPackaged }),
  ])
  const { settings } = await current.settings.load()
  await applyStartAtLogin(settings.startAtLogin).catch(() => {})
}

// macOS hands files over with open-file, possibly before we are started (a double-click that
// launches us): those wait for start() to open them with the ones named on the command line.
const earlyFiles: string[] = []
let started = false
app.on('open-file', (event, file) => {
  event.preventDefault()
  if (started) openMessageFiles([file])
  else earlyFiles.push(file)
})

// A second launch hands over to the first (which gets 'second-instance') and leaves.
if (app.requestSingleInstanceLock()) {
  start().catch((error: unknown) => {
    console.error('Mailwarden could not start:', error)
    app.exit(1)
  })
} else {
  app.quit()
}
