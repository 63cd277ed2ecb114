// The main window and the hardening every webContents and the session get, following Electron's
// security checklist: isolation and sandbox on, no Node in the page, no webviews, no navigation
// or new windows, no permissions, and a strict CSP on every response.
import { BrowserWindow, type Session, shell, type WebContents } from 'electron'
import { APP_ENTRY_URL } from './app-url.js'
import { CONTENT_SECURITY_POLICY } from './csp.js'
import { allowsNavigation, windowOpenDecision } from './external-links.js'

export interface MainWindowOptions {
  preload: string
  /** Absent when the icon file is missing: the platform's default is used. */
  icon?: string
  /** DevTools stay closed to packaged builds. */
  devTools: boolean
  /** Remembered size and place (window-state.ts). */
  bounds?: { x?: number; y?: number; width: number; height: number }
  /** Started at login: stay in the tray. */
  hidden?: boolean
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Mailwarden',
    width: options.bounds?.width ?? 1100,
    height: options.bounds?.height ?? 760,
    ...(options.bounds?.x === undefined ? {} : { x: options.bounds.x, y: options.bounds.y }),
    minWidth: 720,
    minHeight: 520,
    show: false, // shown on ready-to-show: no white flash
    ...(options.icon === undefined ? {} : { icon: options.icon }),
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false, // a dropped .eml is read by the page, never navigated to
      spellcheck: false, // message text stays local: no dictionary downloads
      devTools: options.devTools,
    },
  })
  if (!options.hidden) window.once('ready-to-show', () => window.show())
  void window.loadURL(APP_ENTRY_URL)
  return window
}

/** Applied to every webContents the app creates (see main.ts), not only the main window's. */
export function hardenWebContents(contents: WebContents): void {
  const stayInApp = (event: { preventDefault(): void }, url: string) => {
    if (!allowsNavigation(url)) event.preventDefault()
  }
  contents.on('will-navigate', (event) => stayInApp(event, event.url))
  contents.on('will-frame-navigate', (event) => stayInApp(event, event.url))
  contents.on('will-redirect', (event) => stayInApp(event, event.url))
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    // https: and mailto: links open in the user's browser or mail app; the app never opens a
    // window of its own, and never hands the OS a file:, smb: or custom-protocol URL.
    if (windowOpenDecision(url).openExternally) void shell.openExternal(url)
    return { action: 'deny' }
  })
}

/** Denies every permission, and puts the CSP header on every response the session receives. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = { ...details.responseHeaders }
    // Replace, whatever its case, so a second, looser policy cannot come along.
    for (const name of Object.keys(responseHeaders)) {
      if (name.toLowerCase() === 'content-security-policy') delete responseHeaders[name]
    }
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY]
    callback({ responseHeaders })
  })
}
