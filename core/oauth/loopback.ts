// The loopback redirect listener of the browser flow (RFC 8252 §7.3): 127.0.0.1 on a port the
// system picks, one-shot. It resolves with the first redirect that carries our state and closes;
// a redirect with another state is refused with a page and the listener keeps waiting; after the
// timeout or a cancel it closes and rejects. The browser is answered with a page saying the tab
// can be closed.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { checkRedirect, REDIRECT_PATH, redirectPage } from './redirect-check.js'
import { OAuthError } from './token-source.js'

export interface LoopbackRedirect {
  /** http://127.0.0.1:PORT/oauth/callback */
  redirectUri: string
  /** The full redirect URL (code and state), or an OAuthError; rejects with an AbortError on cancel. */
  result: Promise<URL>
  close(): void
}

/** How long a person gets to sign in before the listener gives up. */
export const BROWSER_FLOW_TIMEOUT_MS = 5 * 60_000

export async function listenForRedirect(options: {
  expectedState: string
  timeoutMs?: number
  signal?: AbortSignal
}): Promise<LoopbackRedirect> {
  let settle: { resolve(url: URL): void; reject(error: Error): void } | undefined
  const result = new Promise<URL>((resolve, reject) => {
    settle = { resolve, reject }
  })
  result.catch(() => {}) // the caller may close before awaiting it
  const server = http.createServer((request, response) => {
    const base = `http://${request.headers.host ?? '127.0.0.1'}`
    let url: URL
    try {
      url = new URL(request.url ?? '/', base)
    } catch {
      response.writeHead(400).end()
      return
    }
    const verdict = checkRedirect(url, options.expectedState)
    const page = (status: number, title: string, text: string) => {
      response.writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'close',
      })
      response.end(redirectPage(title, text))
    }
    if (verdict.kind === 'other') {
      response.writeHead(404, { connection: 'close' }).end()
      return
    }
    if (verdict.kind === 'wrong-state') {
      page(
        400,
        'Refused',
        'This sign-in answer does not belong to the sign-in Mailwarden started. Nothing was changed.',
      )
      return
    }
    if (verdict.kind === 'error') {
      page(200, 'Sign-in not completed', `The provider answered: ${verdict.code}. You can close this tab.`)
      finish(
        new OAuthError(
          'provider-refused',
          `The provider did not grant access: ${verdict.code}${verdict.description ? ` (${verdict.description})` : ''}.`,
          verdict.code,
        ),
      )
      return
    }
    page(200, 'Signed in', 'Mailwarden has what it needs. You can close this tab.')
    finish(url)
  })
  let timer: NodeJS.Timeout | undefined
  const onAbort = () => {
    const error = new Error('The sign-in was cancelled.')
    error.name = 'AbortError'
    finish(error)
  }
  const finish = (outcome: URL | Error) => {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onAbort)
    server.close()
    server.closeAllConnections()
    if (outcome instanceof URL) settle?.resolve(outcome)
    else settle?.reject(outcome)
  }
  server.headersTimeout = 10_000
  server.requestTimeout = 10_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const timeoutMs = options.timeoutMs ?? BROWSER_FLOW_TIMEOUT_MS
  timer = setTimeout(
    () =>
      finish(
        new OAuthError(
          'needs-authorization',
          `No answer came from the browser within ${Math.round(timeoutMs / 1000)} s; start the sign-in again.`,
        ),
      ),
    timeoutMs,
  )
  if (options.signal?.aborted) onAbort()
  else options.signal?.addEventListener('abort', onAbort, { once: true })
  return {
    redirectUri: `http://127.0.0.1:${port}${REDIRECT_PATH}`,
    result,
    close: () => finish(new Error('The sign-in listener was closed.')),
  }
}
