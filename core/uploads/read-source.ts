// Turns a MessageSource from the UI into the message's exact bytes.
import type { MessageSource } from '../../shared/contract/index.js'
import type { EngineContext } from '../context.js'

export interface OpenedMessage {
  name: string
  bytes: Buffer
}

export async function readMessageSource(
  source: MessageSource,
  _context: EngineContext,
): Promise<OpenedMessage> {
  switch (source.kind) {
    case 'base64':
      return { name: source.name, bytes: Buffer.from(source.data, 'base64') }
  }
}
