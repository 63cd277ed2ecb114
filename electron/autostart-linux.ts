// "Start at login" on Linux, where Electron's setLoginItemSettings does nothing: an XDG autostart
// entry (~/.config/autostart/mailwarden.desktop) that starts the app hidden in the tray.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

export function autostartFile(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config')
  return path.join(config, 'autostart', 'mailwarden.desktop')
}

/** The desktop entry; the executable path is quoted per the Desktop Entry spec. */
export function autostartEntry(executable: string): string {
  const quoted = `"${executable.replace(/(["`$\\])/g, '\\$1')}"`
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Mailwarden',
    'Comment=Mailwarden in the tray, with the tunnels marked to start',
    `Exec=${quoted} --hidden`,
    'X-GNOME-Autostart-enabled=true',
    'NoDisplay=true',
    '',
  ].join('\n')
}

export async function setLinuxAutostart(enabled: boolean, executable: string): Promise<void> {
  const file = autostartFile()
  if (!enabled) {
    await rm(file, { force: true })
    return
  }
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, autostartEntry(executable), { mode: 0o644 })
}
