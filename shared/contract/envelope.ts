// What crosses a transport: a result or an error with a stable code. Errors travel as data
// because Electron's IPC and a WebSocket both lose an Error's class and fields.
import { z } from 'zod'

export const ErrorCode = z.enum([
  'invalid-request', // the payload failed its schema
  'unknown-operation',
  'keychain-unavailable', // no OS keychain: we refuse rather than write secrets to a file
  'forbidden', // the caller is not the app (wrong frame, token, host or origin)
  'too-large',
  'not-found', // no such run, tunnel or account
  'conflict', // e.g. a port already in use, a tunnel already running
  'unavailable', // the network, DNS or a server refused; the request itself was fine
  'internal',
])
export type ErrorCode = z.infer<typeof ErrorCode>

export const ApiErrorBody = z.object({ code: ErrorCode, message: z.string() }).strict()
export type ApiErrorBody = z.infer<typeof ApiErrorBody>

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody }

export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }).strict(),
  z.object({ ok: z.literal(false), error: ApiErrorBody }).strict(),
])

/** Thrown by the client side when an operation fails: carries the engine's code and sentence. */
export class ApiError extends Error {
  readonly code: ErrorCode
  constructor(body: ApiErrorBody) {
    super(body.message)
    this.name = 'ApiError'
    this.code = body.code
  }
}
