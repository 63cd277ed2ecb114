// Where settings live when no shell decides it: MAILWARDEN_CONFIG_DIR, else the platform's
// config directory (XDG on Linux). Electron passes its userData directory instead.
import os from 'node:os'
import path from 'node:path'

export function configDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.MAILWARDEN_CONFIG_DIR) return path.resolve(env.MAILWARDEN_CONFIG_DIR)
  const home = env.HOME ?? os.homedir()
  if (platform === 'win32')
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Mailwarden')
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Mailwarden')
  const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : null
  return path.join(xdg ?? path.join(home, '.config'), 'mailwarden')
}

export const SETTINGS_FILE = 'settings.json'
