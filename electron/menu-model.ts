// The application menu as data: the usual shortcuts (open message, paste message, new probe,
// quit) and an About box. chrome.ts turns it into Electron's Menu. Pure.
export type MenuAction = 'open-message' | 'paste-message' | 'new-probe' | 'show-tunnels' | 'about'

export interface MenuEntry {
  label?: string
  accelerator?: string
  action?: MenuAction
  role?: 'quit' | 'appMenu' | 'editMenu' | 'viewMenu' | 'windowMenu' | 'close' | 'reload'
  separator?: true
  submenu?: MenuEntry[]
}

export function menuTemplate(platform: NodeJS.Platform, options: { devTools: boolean }): MenuEntry[] {
  const mac = platform === 'darwin'
  const file: MenuEntry = {
    label: '&File',
    submenu: [
      { label: 'Open Message…', accelerator: 'CmdOrCtrl+O', action: 'open-message' },
      { label: 'Paste Message', accelerator: 'CmdOrCtrl+Shift+V', action: 'paste-message' },
      { label: 'New Probe', accelerator: 'CmdOrCtrl+N', action: 'new-probe' },
      { label: 'Tunnels', accelerator: 'CmdOrCtrl+T', action: 'show-tunnels' },
      { separator: true },
      mac ? { role: 'close' } : { role: 'quit', label: 'Quit Mailwarden', accelerator: 'CmdOrCtrl+Q' },
    ],
  }
  const view: MenuEntry = options.devTools
    ? { role: 'viewMenu' }
    : { label: '&View', submenu: [{ role: 'reload' }] }
  const help: MenuEntry = { label: '&Help', submenu: [{ label: 'About Mailwarden', action: 'about' }] }
  return [
    ...(mac ? [{ role: 'appMenu' } as MenuEntry] : []),
    file,
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
    help,
  ]
}
