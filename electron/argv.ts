// Which message files a command line names: the first launch's process.argv, or the argv a second
// launch hands over ('second-instance', Windows and Linux). Pure, so it is tested without Electron.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Message files we open; anything else on a command line is ignored, never opened. */
const MESSAGE_FILE = /\.eml$/i

export interface ArgvContext {
  /** The directory the launch happened in (second-instance's workingDirectory). */
  cwd: string
  /** Packaged: argv is [app, ...args]. Development: [electron, main.mjs, ...args]. */
  isPackaged: boolean
}

/** The .eml paths named on the command line, absolute, in order, without repeats. */
export function messagePathsFromArgv(argv: readonly string[], context: ArgvContext): string[] {
  const args = argv.slice(context.isPackaged ? 1 : 2)
  const out: string[] = []
  for (const arg of args) {
    // Chromium and our own switches (--hidden, --no-sandbox, --enable-features=...).
    if (arg.startsWith('-')) continue
    let file: string
    if (arg.startsWith('file://')) {
      try {
        file = fileURLToPath(arg) // Linux desktop files pass %U as file:// URLs
      } catch {
        continue
      }
    } else if (/^[a-z][a-z0-9+.-]+:/i.test(arg))
      continue // http:, mailto:, ... never a file
    else file = path.resolve(context.cwd, arg)
    if (MESSAGE_FILE.test(file) && !out.includes(file)) out.push(file)
  }
  return out
}

/** `--hidden`: started at login; stay in the tray instead of showing the window. */
export function startsHidden(argv: readonly string[]): boolean {
  return argv.includes('--hidden')
}
