// The application menu and the tray icon: standard roles only, so there is no behaviour here to
// test; everything the user does happens in the renderer.
import { app, Menu, type MenuItemConstructorOptions, nativeImage, Tray } from 'electron'

export function installAppMenu(): void {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' }, // copy and paste in text fields need these roles on macOS
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

/** Null when the icon is missing or empty: a tray entry without an image is worse than none. */
export function createTray(iconPath: string | undefined, showWindow: () => void): Tray | null {
  if (iconPath === undefined) return null
  const image = nativeImage.createFromPath(iconPath)
  if (image.isEmpty()) return null
  const size = process.platform === 'linux' ? 24 : 16
  const tray = new Tray(image.resize({ width: size, height: size }))
  tray.setToolTip('Mailwarden')
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show Mailwarden', click: showWindow },
      { type: 'separator' },
      { label: 'Quit Mailwarden', click: () => app.quit() },
    ]),
  )
  tray.on('click', showWindow)
  return tray
}
