// What the desktop shell pushes (shared/contract/desktop.ts): menu commands bring a section
// forward; a message opened from the OS (double-click, argv, Open Message…, Paste Message) lands
// in the DKIM section and is verified there.
import type { Client, DesktopCommand, OpenedMessage, Unsubscribe } from '../../shared/contract/index.js'
import type { SectionId } from '../sections/registry.js'
import { useDkimStore } from './dkim/index.js'
import { useNavigationStore } from './navigation.js'

const COMMAND_SECTIONS: Record<DesktopCommand, SectionId> = {
  'new-probe': 'probe',
  'open-dkim': 'dkim',
  'show-tunnels': 'tunnels',
  'show-settings': 'settings',
}

function base64Bytes(data: string): Uint8Array {
  const binary = atob(data)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export function receiveOpenedMessage(opened: OpenedMessage): void {
  useNavigationStore.getState().go('dkim')
  if ('error' in opened) {
    useDkimStore.setState({
      status: 'failed',
      name: opened.name,
      report: null,
      via: null,
      error: opened.error,
    })
    return
  }
  const { message } = opened
  if (message.kind === 'base64')
    void useDkimStore.getState().verifyBytes(base64Bytes(message.data), message.name)
}

export function connectDesktopEvents(client: Client): Unsubscribe[] {
  return [
    client.on('desktop.command', ({ command }) =>
      useNavigationStore.getState().go(COMMAND_SECTIONS[command]),
    ),
    client.on('desktop.openMessage', receiveOpenedMessage),
  ]
}
