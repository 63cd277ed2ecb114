// Chosen once at start-up: the Electron preload's bridge when it is there, the loopback web
// host's WebSocket otherwise. Nothing past this file knows which one it got.

import type { PickedTransport } from './connection.js'
import { createDesktopTransport, findDesktopBridge } from './desktop.js'
import { createWebTransport } from './web.js'

export function pickTransport(): PickedTransport {
  const bridge = findDesktopBridge()
  return bridge ? createDesktopTransport(bridge) : createWebTransport()
}
