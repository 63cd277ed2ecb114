// What the desktop shell pushes to its window: a message the OS asked us to open (a double-
// clicked .eml, a path on the command line, "Open Message…" or "Paste Message" in the menu), and
// menu commands the page carries out. Only the Electron shell emits these; a browser tab never
// receives them.
import { z } from 'zod'
import { MessageSource } from './message-source.js'

export const DesktopCommand = z.enum(['new-probe', 'open-dkim', 'show-tunnels', 'show-settings'])
export type DesktopCommand = z.infer<typeof DesktopCommand>

export const OpenedMessage = z.union([
  z.object({ message: MessageSource }).strict(),
  /** The file could not be opened (too large, unreadable): the page shows why. */
  z.object({ name: z.string().max(300), error: z.string().max(500) }).strict(),
])
export type OpenedMessage = z.infer<typeof OpenedMessage>

export const desktopEvents = {
  'desktop.openMessage': OpenedMessage,
  'desktop.command': z.object({ command: DesktopCommand }).strict(),
} as const
