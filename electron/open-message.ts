// Opening a message the OS named (argv, open-file, the menu): the main process reads the file from
// the path the OS gave — never a path the page chose — within the DKIM engine's size bound, and
// queues it until the window's page is ready to receive it.
import { open } from 'node:fs/promises'
import path from 'node:path'
import { MESSAGE_SOURCE_MAX_BYTES, type OpenedMessage } from '../shared/contract/index.js'

/** The largest message the desktop app opens from disk: the contract's bound for one message. */
export const MAX_OPENED_MESSAGE_BYTES = MESSAGE_SOURCE_MAX_BYTES

export interface ReadMessage {
  name: string
  bytes: Buffer
}

/** Reads a message file, or says in one sentence why it cannot. */
export async function readMessageFile(
  file: string,
  maxBytes = MAX_OPENED_MESSAGE_BYTES,
): Promise<ReadMessage> {
  const name = path.basename(file)
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(file, 'r')
    const info = await handle.stat()
    if (!info.isFile()) throw new MessageFileError(`${name} is not a file.`)
    if (info.size > maxBytes)
      throw new MessageFileError(
        `${name} is ${(info.size / 1048576).toFixed(1)} MB; Mailwarden opens messages up to ${maxBytes / 1048576} MB.`,
      )
    // Read at most maxBytes + 1 even if the file grows while we read it.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1)
    let length = 0
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    if (length > maxBytes)
      throw new MessageFileError(`${name} grew past ${maxBytes / 1048576} MB while it was read.`)
    return { name, bytes: buffer.subarray(0, length) }
  } catch (error) {
    if (error instanceof MessageFileError) throw error
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'Mailwarden may not read it'
          : code === 'EISDIR'
            ? 'it is a folder'
            : `it could not be read (${code ?? 'unknown error'})`
    throw new MessageFileError(`${name} cannot be opened: ${why}.`)
  } finally {
    await handle?.close()
  }
}

export class MessageFileError extends Error {}

/** Turns file bytes into what the page receives; `toSource` picks inline or an upload. */
export type ToOpenedMessage = (message: ReadMessage) => OpenedMessage

/**
 * Holds messages opened before the page can take them (a double-click starts the app), then
 * delivers them in order once the page is ready; after that, delivers at once.
 */
export class MessageRouter {
  readonly #pending: OpenedMessage[] = []
  #ready = false
  readonly #deliver: (message: OpenedMessage) => void
  readonly #convert: ToOpenedMessage
  readonly #read: (file: string) => Promise<ReadMessage>

  constructor(options: {
    deliver: (message: OpenedMessage) => void
    convert: ToOpenedMessage
    read?: (file: string) => Promise<ReadMessage>
  }) {
    this.#deliver = options.deliver
    this.#convert = options.convert
    this.#read = options.read ?? ((file) => readMessageFile(file))
  }

  async open(file: string): Promise<void> {
    let opened: OpenedMessage
    try {
      opened = this.#convert(await this.#read(file))
    } catch (error) {
      opened = {
        name: path.basename(file).slice(0, 300),
        error: (error instanceof Error ? error.message : String(error)).slice(0, 500),
      }
    }
    if (this.#ready) this.#deliver(opened)
    else this.#pending.push(opened)
  }

  /** The page loaded (or reloaded) and subscribed: flush what waited. */
  pageReady(): void {
    this.#ready = true
    for (const message of this.#pending.splice(0)) this.#deliver(message)
  }

  /** The window went away: hold messages again until the next page is ready. */
  pageGone(): void {
    this.#ready = false
  }
}
