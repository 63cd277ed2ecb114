// Turns a MessageSource from the UI into the message's exact bytes.
import { MESSAGE_SOURCE_MAX_BYTES, type MessageSource } from '../../shared/contract/index.js'
import { EngineError } from '../api/errors.js'
import type { EngineContext } from '../context.js'
import { sharedUploadStore, type UploadStore } from './store.js'

export interface OpenedMessage {
  name: string
  bytes: Buffer
}

/**
 * Reads the message a source names. An upload is taken from the store (and deleted there), so the
 * same id cannot be used twice; `uploads` is the process's store unless a test passes its own.
 */
export async function readMessageSource(
  source: MessageSource,
  _context: EngineContext,
  uploads: UploadStore = sharedUploadStore(),
): Promise<OpenedMessage> {
  switch (source.kind) {
    case 'base64': {
      const bytes = Buffer.from(source.data, 'base64')
      if (bytes.length > MESSAGE_SOURCE_MAX_BYTES) throw tooLarge(source.name)
      return { name: source.name, bytes }
    }
    case 'upload': {
      const taken = await uploads.take(source.uploadId)
      if (taken.ok) return { name: source.name, bytes: taken.bytes }
      throw new EngineError(
        'not-found',
        taken.reason === 'expired'
          ? `The upload of ${source.name} expired before it was verified; open the message again.`
          : `There is no upload ${source.uploadId} waiting (each upload is used once); open ${source.name} again.`,
      )
    }
  }
}

function tooLarge(name: string): EngineError {
  return new EngineError(
    'too-large',
    `${name} is larger than Mailwarden accepts (${MESSAGE_SOURCE_MAX_BYTES / (1024 * 1024)} MiB).`,
  )
}
