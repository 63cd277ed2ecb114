import { describe, expect, it } from 'vitest'
import { loginItemSettings } from './login-item.js'
import { menuTemplate } from './menu-model.js'
import { certificateChanged, MAX_NOTIFICATION_BODY, tunnelFailed } from './notifications.js'

describe('start at login', () => {
  it('starts hidden in the tray when asked, and not at all otherwise', () => {
    expect(loginItemSettings(true)).toEqual({ openAtLogin: true, openAsHidden: true, args: ['--hidden'] })
    expect(loginItemSettings(false)).toEqual({ openAtLogin: false, openAsHidden: false, args: [] })
  })
})

describe('menu', () => {
  const file = (platform: NodeJS.Platform) =>
    menuTemplate(platform, { devTools: false }).find((m) => m.label === '&File')

  it('has the usual shortcuts', () => {
    const items = file('linux')?.submenu ?? []
    const shortcut = (action: string) => items.find((i) => i.action === action)?.accelerator
    expect(shortcut('open-message')).toBe('CmdOrCtrl+O')
    expect(shortcut('paste-message')).toBe('CmdOrCtrl+Shift+V')
    expect(shortcut('new-probe')).toBe('CmdOrCtrl+N')
    expect(items.at(-1)).toMatchObject({ role: 'quit', accelerator: 'CmdOrCtrl+Q' })
  })

  it('follows macOS conventions there: the app menu, and Close rather than Quit in File', () => {
    const template = menuTemplate('darwin', { devTools: false })
    expect(template[0]).toEqual({ role: 'appMenu' })
    expect(file('darwin')?.submenu?.at(-1)).toEqual({ role: 'close' })
  })

  it('offers developer tools only to development builds, and an About box always', () => {
    expect(menuTemplate('linux', { devTools: true }).some((m) => m.role === 'viewMenu')).toBe(true)
    expect(menuTemplate('linux', { devTools: false }).some((m) => m.role === 'viewMenu')).toBe(false)
    const help = menuTemplate('win32', { devTools: false }).find((m) => m.label === '&Help')
    expect(help?.submenu?.[0]?.action).toBe('about')
  })
})

describe('notifications', () => {
  it('bounds what a hostile server can put on screen', () => {
    const note = tunnelFailed('Work IMAP', 'x'.repeat(5000))
    expect(note.body.length).toBeLessThanOrEqual(MAX_NOTIFICATION_BODY)
    expect(note.title).toBe('Tunnel “Work IMAP” stopped')
    expect(certificateChanged('alice@lab.test', 'imap.lab.test').body).toContain('imap.lab.test')
  })
})

describe('Linux autostart entry', () => {
  it('starts the app hidden, with its path quoted', async () => {
    const { autostartEntry, autostartFile } = await import('./autostart-linux.js')
    const entry = autostartEntry('/opt/Mail warden/mailwarden')
    expect(entry).toContain('Exec="/opt/Mail warden/mailwarden" --hidden')
    expect(entry.startsWith('[Desktop Entry]\n')).toBe(true)
    expect(autostartFile({ XDG_CONFIG_HOME: '/home/ann/.cfg' })).toBe(
      '/home/ann/.cfg/autostart/mailwarden.desktop',
    )
  })
})
