// How a message's bytes reach the engine. Desktop IPC has no 1 MiB cap, so it sends base64 inline
// up to the engine's bound; a browser tab sends small messages inline and POSTs larger ones to the
// web host's upload route (with the launch token), then names the upload in the request.
import {
  ApiError,
  ARCHIVE_UPLOAD_MAX_BYTES,
  ARCHIVE_UPLOAD_PATH,
  type ArchiveRegistrar,
  type ArchiveSource,
  INLINE_MESSAGE_MAX_BYTES,
  MESSAGE_SOURCE_MAX_BYTES,
  type MessageSource,
  UPLOAD_PATH,
  UploadReceipt,
} from '../../shared/contract/index.js'

export interface MessageSender {
  /** Messages up to this size go inline; larger ones are uploaded (when the link can). */
  readonly inlineMaxBytes: number
  /** Whether this link uploads large messages (then a batch sends few of them per call). */
  readonly uploads: boolean
  send(bytes: Uint8Array, name: string): Promise<MessageSource>
  /**
   * Hands an archive (an mbox, maybe gigabytes) to the engine without reading it into the page:
   * the browser streams the file to the web host; the desktop app names the picked file to the
   * main process. Absent where the link has no way to.
   */
  sendArchive?(file: Blob, name: string, signal?: AbortSignal): Promise<ArchiveSource>
}

const MIB = 1024 * 1024

function tooLarge(size: number, limit: number, noun = 'message'): ApiError {
  return new ApiError({
    code: 'too-large',
    message: `This ${noun} is ${(size / MIB).toFixed(1)} MiB; Mailwarden accepts ${noun === 'message' ? 'messages' : 'one'} up to ${Math.round(limit / MIB)} MiB.`,
  })
}

/** base64 without building one huge intermediate string per byte (btoa wants a binary string). */
export function toBase64(bytes: Uint8Array): string {
  const parts: string[] = []
  // A multiple of 3 so that each part encodes without padding in the middle.
  const step = 3 * 16 * 1024
  for (let start = 0; start < bytes.length; start += step) {
    const slice = bytes.subarray(start, start + step)
    parts.push(btoa(String.fromCharCode(...slice)))
  }
  return parts.join('')
}

export function inlineSource(bytes: Uint8Array, name: string): MessageSource {
  return { kind: 'base64', name: name.slice(0, 300), data: toBase64(bytes) }
}

/** Electron: everything inline, up to the engine's bound. */
export function createInlineSender(inlineMaxBytes = MESSAGE_SOURCE_MAX_BYTES): MessageSender {
  return {
    inlineMaxBytes,
    uploads: false,
    async send(bytes, name) {
      if (bytes.length > inlineMaxBytes) throw tooLarge(bytes.length, inlineMaxBytes)
      return inlineSource(bytes, name)
    },
  }
}

type Fetch = (input: string, init: RequestInit) => Promise<Response>

/** The web host's answer as a sentence (it answers {"error": "..."}), or a plain one. */
async function refusal(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: unknown }
    if (typeof body.error === 'string') return body.error
  } catch {
    // Not JSON: fall through to the status.
  }
  return `Mailwarden refused the upload (HTTP ${response.status}).`
}

/** The desktop app's archive route: the preload turns the picked File into its path for the main process. */
export function createDesktopArchiveSender(registrar: ArchiveRegistrar): MessageSender['sendArchive'] {
  return async (file, name) => {
    const reply = await registrar.register(file)
    if (!reply.ok) throw new ApiError({ code: 'invalid-request', message: reply.error.message })
    return { kind: 'upload', uploadId: reply.value.uploadId, name: name.slice(0, 300) }
  }
}

/** The browser tab: inline up to the WebSocket's share, then an upload to the web host. */
export function createUploadSender(token: () => string | null, fetchFn: Fetch = fetch): MessageSender {
  return {
    inlineMaxBytes: INLINE_MESSAGE_MAX_BYTES,
    uploads: true,
    async send(bytes, name) {
      if (bytes.length <= INLINE_MESSAGE_MAX_BYTES) return inlineSource(bytes, name)
      if (bytes.length > MESSAGE_SOURCE_MAX_BYTES) throw tooLarge(bytes.length, MESSAGE_SOURCE_MAX_BYTES)
      const receipt = await upload(UPLOAD_PATH, new Blob([bytes as Uint8Array<ArrayBuffer>]))
      return { kind: 'upload', uploadId: receipt.uploadId, name: name.slice(0, 300) }
    },
    async sendArchive(file, name, signal) {
      if (file.size > ARCHIVE_UPLOAD_MAX_BYTES) throw tooLarge(file.size, ARCHIVE_UPLOAD_MAX_BYTES, 'mbox')
      // The File itself is the body: the browser streams it from disk, the page never holds it.
      const receipt = await upload(ARCHIVE_UPLOAD_PATH, file, signal)
      return { kind: 'upload', uploadId: receipt.uploadId, name: name.slice(0, 300) }
    },
  }

  async function upload(path: string, body: Blob, signal?: AbortSignal): Promise<UploadReceipt> {
    const key = token()
    if (!key) {
      throw new ApiError({
        code: 'forbidden',
        message: 'This page has no key to upload with. Open the address that “mailwarden ui” printed.',
      })
    }
    let response: Response
    try {
      response = await fetchFn(path, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/octet-stream' },
        body,
        cache: 'no-store',
        credentials: 'omit',
        ...(signal ? { signal } : {}),
      })
    } catch (error) {
      if (signal?.aborted) throw error
      throw new ApiError({
        code: 'unavailable',
        message: 'The message could not be uploaded to Mailwarden. Check that it is still running.',
      })
    }
    if (!response.ok) {
      const code =
        response.status === 413 ? 'too-large' : response.status === 401 ? 'forbidden' : 'unavailable'
      throw new ApiError({ code, message: await refusal(response) })
    }
    const receipt = UploadReceipt.safeParse(await response.json().catch(() => null))
    if (!receipt.success) {
      throw new ApiError({
        code: 'internal',
        message: 'Mailwarden answered the upload in a way this page does not understand.',
      })
    }
    return receipt.data
  }
}
