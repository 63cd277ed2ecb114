// The Electron transport: the preload's bridge already speaks the contract, one function per
// operation, so a call is a lookup and the envelope comes back untouched.
import {
  DESKTOP_BRIDGE_KEY,
  type DesktopBridge,
  type Envelope,
  type OpName,
  type Transport,
} from '../../shared/contract/index.js'
import { createConnectionSource, type PickedTransport } from './connection.js'
import { createDesktopArchiveSender, createInlineSender } from './message-sender.js'

type LooseRawApi = Record<
  string,
  Record<string, ((request: unknown) => Promise<Envelope<unknown>>) | undefined>
>

export function findDesktopBridge(scope: object = window): DesktopBridge | null {
  const bridge: unknown = Reflect.get(scope, DESKTOP_BRIDGE_KEY)
  if (typeof bridge !== 'object' || bridge === null) return null
  return 'api' in bridge && 'onEvent' in bridge ? (bridge as DesktopBridge) : null
}

export function createDesktopTransport(bridge: DesktopBridge): PickedTransport {
  // The bridge is typed per operation; the transport is generic over names, hence the loose view.
  const raw = bridge.api as unknown as LooseRawApi
  const transport: Transport = {
    call(op: OpName, request: unknown) {
      const dot = op.indexOf('.')
      const fn = raw[op.slice(0, dot)]?.[op.slice(dot + 1)]
      if (!fn) {
        return Promise.resolve({
          ok: false,
          error: {
            code: 'unknown-operation',
            message: `This version of the app has no operation named ${op}.`,
          },
        })
      }
      return fn(request)
    },
    subscribe: (event, listener) => bridge.onEvent(event, listener),
  }
  // IPC within one process tree does not drop, so the desktop link is always up.
  return {
    transport,
    connection: createConnectionSource({ status: 'connected' }),
    messageSender: {
      ...createInlineSender(),
      ...(bridge.archives ? { sendArchive: createDesktopArchiveSender(bridge.archives) } : {}),
    },
  }
}
