// "Start at login": what to hand app.setLoginItemSettings. The app then starts hidden in the tray,
// and starts the tunnels marked to start with it. Pure.
export interface LoginItemSettings {
  openAtLogin: boolean
  /** macOS: start without showing a window. */
  openAsHidden: boolean
  /** Windows and Linux: the same, through our own switch. */
  args: string[]
}

export function loginItemSettings(startAtLogin: boolean): LoginItemSettings {
  return { openAtLogin: startAtLogin, openAsHidden: startAtLogin, args: startAtLogin ? ['--hidden'] : [] }
}
