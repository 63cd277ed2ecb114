// Renders the menu and tray models (menu-model.ts, tray-model.ts) with Electron's Menu and Tray.
// No decisions here: what to show and offer is computed, and tested, in the pure models.
import { Menu, type MenuItemConstructorOptions, nativeImage, Tray } from 'electron'
import type { MenuAction, MenuEntry } from './menu-model.js'
import type { TrayItem, TrayModel } from './tray-model.js'

function toElectron(entry: MenuEntry, onAction: (action: MenuAction) => void): MenuItemConstructorOptions {
  if (entry.separator) return { type: 'separator' }
  const { action } = entry
  return {
    ...(entry.label ? { label: entry.label } : {}),
    ...(entry.accelerator ? { accelerator: entry.accelerator } : {}),
    ...(entry.role ? { role: entry.role } : {}),
    ...(action ? { click: () => onAction(action) } : {}),
    ...(entry.submenu ? { submenu: entry.submenu.map((e) => toElectron(e, onAction)) } : {}),
  }
}

export function installAppMenu(template: MenuEntry[], onAction: (action: MenuAction) => void): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(template.map((e) => toElectron(e, onAction))))
}

export interface TrayHandlers {
  open(): void
  tunnel(id: string, action: 'start' | 'stop'): void
  quit(): void
}

function trayItem(item: TrayItem, handlers: TrayHandlers): MenuItemConstructorOptions {
  switch (item.kind) {
    case 'open':
      return { label: item.label, click: handlers.open }
    case 'tunnel':
      return { label: item.label, click: () => handlers.tunnel(item.id, item.action) }
    case 'header':
      return { label: item.label, enabled: false }
    case 'separator':
      return { type: 'separator' }
    case 'quit':
      return { label: item.label, click: handlers.quit }
  }
}

/** The tray icon; null when the icon is missing (a tray entry without an image is worse than none). */
export class TrayIcon {
  readonly #tray: Tray
  readonly #handlers: TrayHandlers

  private constructor(tray: Tray, handlers: TrayHandlers) {
    this.#tray = tray
    this.#handlers = handlers
    tray.on('click', handlers.open)
  }

  static create(iconPath: string | undefined, handlers: TrayHandlers): TrayIcon | null {
    if (iconPath === undefined) return null
    const image = nativeImage.createFromPath(iconPath)
    if (image.isEmpty()) return null
    const size = process.platform === 'linux' ? 24 : 16
    return new TrayIcon(new Tray(image.resize({ width: size, height: size })), handlers)
  }

  show(model: TrayModel): void {
    this.#tray.setToolTip(model.tooltip)
    // macOS shows a title beside the icon: a running/error mark that does not rely on colour.
    if (process.platform === 'darwin')
      this.#tray.setTitle(model.status === 'error' ? '!' : model.status === 'active' ? '•' : '')
    this.#tray.setContextMenu(Menu.buildFromTemplate(model.items.map((i) => trayItem(i, this.#handlers))))
  }

  destroy(): void {
    this.#tray.destroy()
  }
}
