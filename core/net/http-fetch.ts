// One bounded GET over HTTPS (or plain HTTP where a mail client still accepts it), for the files
// discovery and MTA-STS read: autoconfig XML, the ISP database, the MTA-STS policy. Host names are
// resolved through our Resolver (a lab or split-horizon DNS is honoured), certificates are verified
// against the system's CAs plus an optional extra CA, and every read is capped in size and time.
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import { isIP } from 'node:net'
import tls from 'node:tls'
import type { Resolver } from '../dns/resolver.js'
import {
  HTTP_DEFAULT_TIMEOUT_MS,
  HTTP_MAX_BODY_BYTES,
  HTTP_MAX_CACHED_CONTEXTS,
  HTTP_MAX_HEADER_BYTES,
  HTTP_MAX_REDIRECTS,
} from './limits.js'
import { systemTrustStore } from './trust-store.js'

export type HttpFetchFailure =
  | 'invalid-url'
  | 'dns'
  | 'connect'
  | 'tls'
  | 'timeout'
  | 'too-large'
  | 'redirect'
  | 'protocol'
  | 'aborted'

export class HttpFetchError extends Error {
  readonly kind: HttpFetchFailure
  readonly url: string
  constructor(kind: HttpFetchFailure, url: string, message: string) {
    super(message)
    this.name = 'HttpFetchError'
    this.kind = kind
    this.url = url
  }
}

export interface HttpFetchOptions {
  resolver: Resolver
  signal?: AbortSignal
  /** For the whole fetch, redirects included. */
  timeoutMs?: number
  maxBytes?: number
  /** 0: a redirect is returned as is (RFC 8461 forbids following one for MTA-STS). */
  maxRedirects?: number
  /** PEM text of extra CAs, trusted beside the system's (a company or lab CA). */
  extraCa?: string | null
}

export interface HttpFetchResult {
  /** The URL that answered (after redirects). */
  url: string
  status: number
  contentType: string | null
  body: string
  /** URLs redirected through, in order. */
  redirects: string[]
}

// Parsing ~150 system roots plus the extra CA takes tens of milliseconds; do it once per store and
// CA text. The system's trust store (trust-store.ts), not Node's bundled roots, so a company CA
// installed in the OS is trusted here as in the probe.
const contexts = new Map<string, { pems: readonly string[]; context: tls.SecureContext }>()

export async function secureContextFor(extraCa: string | null): Promise<tls.SecureContext> {
  const store = await systemTrustStore()
  const key = extraCa ?? ''
  const hit = contexts.get(key)
  // A re-read store is a new array: the context follows it.
  if (hit && hit.pems === store.pems) return hit.context
  const context = tls.createSecureContext({ ca: extraCa ? [...store.pems, extraCa] : store.pems })
  if (!hit && contexts.size >= HTTP_MAX_CACHED_CONTEXTS)
    contexts.delete(contexts.keys().next().value as string)
  contexts.set(key, { pems: store.pems, context })
  return context
}

export function lookupThrough(resolver: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolver.addresses(hostname).then(
      (found) => {
        const entries = found.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 }))
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0
        const usable = wanted ? entries.filter((e) => e.family === wanted) : entries
        if (usable.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`${hostname} has no usable address`)
          error.code = 'ENOTFOUND'
          callback(error, '', 4)
          return
        }
        if (options.all) callback(null, usable)
        else callback(null, usable[0]?.address ?? '', usable[0]?.family ?? 4)
      },
      (error: Error) => {
        const wrapped: NodeJS.ErrnoException = new Error(error.message)
        wrapped.code = 'ENOTFOUND'
        callback(wrapped, '', 4)
      },
    )
  }
}

function classifyNetError(error: NodeJS.ErrnoException, url: string): HttpFetchError {
  const code = error.code ?? ''
  if (code === 'ENOTFOUND')
    return new HttpFetchError('dns', url, `Could not resolve the host of ${url}: ${error.message}`)
  if (
    code.startsWith('ERR_TLS') ||
    code.includes('CERT') ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    /SSL|TLS|certificate/i.test(error.message)
  )
    return new HttpFetchError(
      'tls',
      url,
      `The HTTPS certificate or handshake of ${url} failed: ${error.message}`,
    )
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return new HttpFetchError('connect', url, `Could not connect to ${url} (${code}).`)
  if (code.startsWith('HPE_'))
    return new HttpFetchError('protocol', url, `${url} did not answer with valid HTTP (${code}).`)
  return new HttpFetchError('connect', url, `Fetching ${url} failed: ${error.message}`)
}

function once(
  url: URL,
  options: HttpFetchOptions,
  secureContext: tls.SecureContext | undefined,
  deadline: number,
): Promise<{ status: number; contentType: string | null; location: string | null; body: string }> {
  const maxBytes = options.maxBytes ?? HTTP_MAX_BODY_BYTES
  const href = url.href
  return new Promise((resolve, reject) => {
    const remaining = deadline - Date.now()
    if (remaining <= 0) {
      reject(new HttpFetchError('timeout', href, `${href} did not answer in time.`))
      return
    }
    let settled = false
    const fail = (error: HttpFetchError) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      request.destroy()
      reject(error)
    }
    const onAbort = () => fail(new HttpFetchError('aborted', href, `Fetching ${href} was cancelled.`))
    const common = {
      method: 'GET',
      headers: {
        accept: 'text/xml, application/xml, text/plain;q=0.9, */*;q=0.1',
        'user-agent': 'Mailwarden',
      },
      lookup: lookupThrough(options.resolver),
      maxHeaderSize: HTTP_MAX_HEADER_BYTES,
      agent: false as const,
    }
    // Handed through to tls.connect (Node's https types omit secureContext).
    const tlsOptions: tls.ConnectionOptions = {
      secureContext,
      servername: isIP(url.hostname) ? undefined : url.hostname,
    }
    const request =
      url.protocol === 'https:' ? https.request(url, { ...common, ...tlsOptions }) : http.request(url, common)
    // Before anything may destroy the request (an already aborted signal does at once): a destroyed
    // request emits 'error', and one with no listener is an uncaught exception that ends the process.
    request.on('error', (error: NodeJS.ErrnoException) => fail(classifyNetError(error, href)))
    const timer = setTimeout(
      () =>
        fail(
          new HttpFetchError(
            'timeout',
            href,
            `${href} did not answer within ${options.timeoutMs ?? HTTP_DEFAULT_TIMEOUT_MS} ms.`,
          ),
        ),
      remaining,
    )
    if (options.signal?.aborted) {
      onAbort()
      return
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    request.on('response', (response) => {
      const declared = Number(response.headers['content-length'])
      if (Number.isFinite(declared) && declared > maxBytes) {
        fail(
          new HttpFetchError(
            'too-large',
            href,
            `${href} is ${declared} bytes, more than the ${maxBytes} allowed.`,
          ),
        )
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) {
          fail(new HttpFetchError('too-large', href, `${href} sent more than the ${maxBytes} bytes allowed.`))
          return
        }
        chunks.push(chunk)
      })
      response.on('error', (error: NodeJS.ErrnoException) => fail(classifyNetError(error, href)))
      response.on('aborted', () =>
        fail(new HttpFetchError('protocol', href, `${href} closed the connection mid-answer.`)),
      )
      response.on('end', () => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
        const location = response.headers.location
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'] ?? null,
          location: typeof location === 'string' ? location : null,
          body: Buffer.concat(chunks).toString('utf8'),
        })
      })
    })
    request.end()
  })
}

/** GET `url`; resolves with any HTTP status (the caller judges it), rejects with an HttpFetchError. */
export async function httpFetch(url: string, options: HttpFetchOptions): Promise<HttpFetchResult> {
  let current: URL
  try {
    current = new URL(url)
  } catch {
    throw new HttpFetchError('invalid-url', url, `"${url}" is not a valid URL.`)
  }
  if (current.protocol !== 'https:' && current.protocol !== 'http:')
    throw new HttpFetchError(
      'invalid-url',
      url,
      `Only http and https URLs can be fetched, not ${current.protocol}`,
    )
  const deadline = Date.now() + (options.timeoutMs ?? HTTP_DEFAULT_TIMEOUT_MS)
  const secureContext = await secureContextFor(options.extraCa ?? null)
  const maxRedirects = options.maxRedirects ?? HTTP_MAX_REDIRECTS
  const redirects: string[] = []
  for (;;) {
    const answer = await once(current, options, secureContext, deadline)
    const isRedirect = answer.status >= 300 && answer.status < 400 && answer.location !== null
    if (!isRedirect || maxRedirects === 0) {
      return {
        url: current.href,
        status: answer.status,
        contentType: answer.contentType,
        body: answer.body,
        redirects,
      }
    }
    if (redirects.length >= maxRedirects)
      throw new HttpFetchError('redirect', url, `${url} redirected more than ${maxRedirects} times.`)
    let next: URL
    try {
      next = new URL(answer.location ?? '', current)
    } catch {
      throw new HttpFetchError('redirect', current.href, `${current.href} redirected to an invalid URL.`)
    }
    // A redirect from HTTPS to HTTP would silently drop the trust a caller relies on; the other
    // direction would mark a file fetched over HTTPS as if it were plain. Keep the scheme.
    if (next.protocol !== current.protocol)
      throw new HttpFetchError(
        'redirect',
        current.href,
        `${current.href} redirected to ${next.href}, a different scheme; not followed.`,
      )
    redirects.push(current.href)
    current = next
  }
}
