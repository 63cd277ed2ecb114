// The fetch openid-client uses (its `customFetch`): HTTPS only, certificates verified against the
// system trust store plus the extra CA file (a company or lab CA), host names through our resolver
// (a lab or split-horizon DNS is honoured), and every exchange bounded in time and size. Token
// responses pass through here; nothing of a request or an answer is logged.
import https from 'node:https'
import { isIP } from 'node:net'
import type tls from 'node:tls'
import type { CustomFetch } from 'openid-client'
import type { Resolver } from '../dns/resolver.js'
import { lookupThrough, secureContextFor } from '../net/http-fetch.js'
import { HTTP_MAX_HEADER_BYTES } from '../net/limits.js'

/** A token or metadata answer is a few KB; a JWKS perhaps tens. */
export const OAUTH_MAX_BODY_BYTES = 256 * 1024
export const OAUTH_TIMEOUT_MS = 15_000

export interface OAuthFetchOptions {
  resolver: Resolver
  /** PEM text of extra CAs (the extraCaFile setting), trusted beside the system's. */
  extraCa: string | null
  timeoutMs?: number
  maxBytes?: number
}

/** Thrown for a failure before any HTTP answer; errors.ts maps it to provider-unreachable. */
export class OAuthNetworkError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
    this.name = 'OAuthNetworkError'
  }
}

function bodyBuffer(body: unknown): Buffer | null {
  if (body === undefined || body === null) return null
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8')
  if (body instanceof Uint8Array) return Buffer.from(body)
  if (body instanceof ArrayBuffer) return Buffer.from(body)
  throw new OAuthNetworkError('The OAuth client sent a request body of a kind not supported here.', 'EBODY')
}

function send(
  url: URL,
  init: Parameters<CustomFetch>[1],
  context: tls.SecureContext,
  options: OAuthFetchOptions,
): Promise<Response> {
  const maxBytes = options.maxBytes ?? OAUTH_MAX_BODY_BYTES
  const timeoutMs = options.timeoutMs ?? OAUTH_TIMEOUT_MS
  const where = `${url.protocol}//${url.host}${url.pathname}`
  const body = bodyBuffer(init.body)
  return new Promise((resolve, reject) => {
    let settled = false
    const fail = (error: Error) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      init.signal?.removeEventListener('abort', onAbort)
      request.destroy()
      reject(error)
    }
    const onAbort = () => fail(new OAuthNetworkError(`The request to ${where} was cancelled.`, 'EABORT'))
    const headers: Record<string, string> = { ...init.headers, 'user-agent': 'Mailwarden' }
    if (body) headers['content-length'] = String(body.length)
    const request = https.request(url, {
      method: init.method,
      headers,
      lookup: lookupThrough(options.resolver),
      maxHeaderSize: HTTP_MAX_HEADER_BYTES,
      agent: false,
      secureContext: context,
      servername: isIP(url.hostname) ? undefined : url.hostname,
    } as https.RequestOptions)
    request.on('error', (error: NodeJS.ErrnoException) =>
      fail(new OAuthNetworkError(`${where} could not be reached: ${error.message}`, error.code ?? 'ENET')),
    )
    const timer = setTimeout(
      () => fail(new OAuthNetworkError(`${where} did not answer within ${timeoutMs} ms.`, 'ETIMEDOUT')),
      timeoutMs,
    )
    if (init.signal?.aborted) return onAbort()
    init.signal?.addEventListener('abort', onAbort, { once: true })
    request.on('response', (response) => {
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes)
          return fail(new OAuthNetworkError(`${where} sent more than ${maxBytes} bytes.`, 'ETOOLARGE'))
        chunks.push(chunk)
      })
      response.on('error', (error: NodeJS.ErrnoException) =>
        fail(new OAuthNetworkError(`${where} broke off its answer: ${error.message}`, error.code ?? 'ENET')),
      )
      response.on('end', () => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        init.signal?.removeEventListener('abort', onAbort)
        const out = new Headers()
        for (const [name, value] of Object.entries(response.headers)) {
          if (Array.isArray(value)) for (const v of value) out.append(name, v)
          else if (value !== undefined) out.set(name, value)
        }
        const status = response.statusCode ?? 0
        const noBody = status === 204 || status === 304
        resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers: out }))
      })
    })
    request.end(body ?? undefined)
  })
}

/** A customFetch for openid-client; refuses anything but https (the provider's endpoints are). */
export function oauthFetch(options: OAuthFetchOptions): CustomFetch {
  return async (href, init) => {
    let url: URL
    try {
      url = new URL(href)
    } catch {
      throw new OAuthNetworkError(`"${href.slice(0, 200)}" is not a valid URL.`, 'EURL')
    }
    if (url.protocol !== 'https:')
      throw new OAuthNetworkError(`Only https endpoints are used for OAuth, not ${url.protocol}`, 'EURL')
    const context = await secureContextFor(options.extraCa)
    return send(url, init, context, options)
  }
}
