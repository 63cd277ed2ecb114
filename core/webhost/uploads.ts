// POST /upload: how a browser tab hands over a message larger than the WebSocket's 1 MiB cap;
// POST /upload/archive: an mbox, into its own store with its own bound (ARCHIVE_UPLOAD_MAX_BYTES).
// The same guards as the WebSocket (exact Host, exact Origin, the launch token in constant time),
// then the body is streamed to the upload store with its bound enforced while reading; past the
// bound the connection is ended without reading the rest. The answer is an id the tab names in
// a MessageSource or ArchiveSource `{ kind: 'upload' }`; the engine uses it once.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ARCHIVE_UPLOAD_PATH, UPLOAD_PATH, type UploadReceipt } from '../../shared/contract/index.js'
import type { Logger } from '../log/logger.js'
import { refusalSentence, UploadRefusedError, type UploadStore } from '../uploads/store.js'
import { allowedHosts, isAllowedHost, isAllowedOrigin, tokensEqual } from './guards.js'

export interface UploadRouteOptions {
  /** Messages (UPLOAD_PATH). */
  store: UploadStore
  /** Archives (ARCHIVE_UPLOAD_PATH); without it that path is not served. */
  archives?: UploadStore
  token: string
  port: () => number
  headers: () => Record<string, string>
  log: Logger
}

/** The token as "Authorization: Bearer <token>": never in the address, so never in a log. */
function bearer(req: IncomingMessage): string | null {
  const value = req.headers.authorization
  if (typeof value !== 'string') return null
  const match = /^Bearer ([^\s]+)$/.exec(value)
  return match?.[1] ?? null
}

function answer(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
  end = false,
): void {
  const text = `${JSON.stringify(body)}\n`
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': String(Buffer.byteLength(text)),
    ...(end ? { Connection: 'close' } : {}),
  })
  res.end(text)
}

/** Refuses without reading the body: the connection is closed, so the rest is never received. */
function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string>,
): void {
  answer(res, status, { error: message }, headers, true)
  res.on('finish', () => req.destroy())
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/'
}

export function isUploadRequest(req: IncomingMessage): boolean {
  const pathname = pathOf(req)
  return pathname === UPLOAD_PATH || pathname === ARCHIVE_UPLOAD_PATH
}

interface Refusal {
  status: number
  message: string
  extraHeaders?: Record<string, string>
}

/** The guards, in the WebSocket's order, then the bounds that can be judged before reading. */
function checkRequest(
  req: IncomingMessage,
  options: UploadRouteOptions,
  store: UploadStore,
  port: number,
): Refusal | null {
  const { log } = options
  if (req.method !== 'POST')
    return { status: 405, message: 'Only POST is accepted here.', extraHeaders: { Allow: 'POST' } }
  if (!isAllowedHost(req.headers.host, port)) {
    return { status: 421, message: `Refused: this host answers only to ${allowedHosts(port).join(' or ')}.` }
  }
  if (!isAllowedOrigin(req.headers.origin, port)) {
    log.warn('webhost', `Refused an upload from origin ${JSON.stringify(req.headers.origin)}.`)
    return { status: 403, message: 'Refused: uploads are accepted only from the Mailwarden page itself.' }
  }
  const given = bearer(req)
  if (!given)
    return { status: 401, message: 'Refused: the token is missing; open the address Mailwarden printed.' }
  if (!tokensEqual(options.token, given)) {
    log.warn('webhost', 'Refused an upload with a wrong token.')
    return { status: 401, message: 'Refused: the token is wrong; open the address Mailwarden printed.' }
  }
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > store.maxBytes) {
    return {
      status: 413,
      message: refusalSentence({ kind: 'too-large', limit: store.maxBytes, noun: store.noun }),
    }
  }
  if (!store.hasRoom())
    return { status: 429, message: refusalSentence({ kind: 'too-many', limit: store.maxStored }) }
  return null
}

export function handleUpload(req: IncomingMessage, res: ServerResponse, options: UploadRouteOptions): void {
  const { log } = options
  const headers = options.headers()
  const store = pathOf(req) === ARCHIVE_UPLOAD_PATH ? options.archives : options.store
  if (!store) {
    refuse(req, res, 404, 'This Mailwarden does not take archives.', headers)
    return
  }
  const refusal = checkRequest(req, options, store, options.port())
  if (refusal) {
    refuse(req, res, refusal.status, refusal.message, { ...headers, ...refusal.extraHeaders })
    return
  }
  // A stalled sender is cut off (Node's own request timeout is minutes); the store then sees 'aborted'.
  req.setTimeout(store.idleTimeoutMs, () => {
    log.warn('webhost', 'Dropped an upload that stopped sending.')
    req.destroy()
  })
  store.receive(req).then(
    (upload) => {
      const receipt: UploadReceipt = {
        uploadId: upload.id,
        size: upload.size,
        expiresAt: new Date(upload.expiresAt).toISOString(),
      }
      log.info('webhost', `Received an upload (${store.noun}) of ${upload.size} bytes.`)
      answer(res, 201, receipt, headers)
    },
    (error: Error) => {
      const refusal = error instanceof UploadRefusedError ? error.refusal : null
      if (refusal?.kind === 'aborted' || res.destroyed) return
      const status = refusal?.kind === 'too-large' ? 413 : refusal?.kind === 'too-many' ? 429 : 500
      if (status === 500) log.error('webhost', `An upload failed: ${error.message}`)
      refuse(req, res, status, error.message, headers)
    },
  )
}
