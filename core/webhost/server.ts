// `mailwarden ui`: the built renderer and the contract's operations over one WebSocket, on
// 127.0.0.1 only. Every request passes the Host check; the upgrade also needs the launch token
// and our Origin; every call then goes through the engine's schema-validating dispatch.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { type WebSocket, WebSocketServer } from 'ws'
import {
  eventNames,
  WS_MAX_MESSAGE_BYTES,
  WS_PATH,
  WsCall,
  type WsServerMessage,
} from '../../shared/contract/index.js'
import type { Engine } from '../engine.js'
import { sharedArchiveStore, sharedUploadStore, type UploadStore } from '../uploads/store.js'
import {
  allowedHosts,
  contentSecurityPolicy,
  createToken,
  isAllowedHost,
  isAllowedOrigin,
  tokensEqual,
} from './guards.js'
import { securityHeaders, sendText, serveStatic } from './static-files.js'
import { handleUpload, isUploadRequest } from './uploads.js'

/** More tabs than a person opens; a cap keeps a runaway script from exhausting the engine. */
const MAX_CONNECTIONS = 32
/** A call that is never answered would pin memory; the engine's own timeouts are shorter. */
const MAX_PENDING_CALLS_PER_CONNECTION = 64

export interface WebHostOptions {
  engine: Engine
  /** The built renderer (dist/renderer). */
  staticDir: string
  /** 0 picks a free port. */
  port?: number
  /** Tests pass a known token; otherwise a fresh one per launch. */
  token?: string
  /** Where POST /upload puts large messages; the process's shared store unless a test passes one. */
  uploads?: UploadStore
  /** Where POST /upload/archive puts an mbox; the process's shared archive store unless a test passes one. */
  archives?: UploadStore
}

export interface WebHost {
  readonly port: number
  readonly token: string
  /** The address to open, token in the fragment so it never reaches a server log or Referer. */
  readonly url: string
  close(): Promise<void>
}

export class PortInUseError extends Error {}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { engine } = options
  const token = options.token ?? createToken()
  const staticDir = options.staticDir
  let port = options.port ?? 0
  const uploads = options.uploads ?? sharedUploadStore()
  const archives = options.archives ?? sharedArchiveStore()

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
  })

  // Built once the port is known (after listen, before any request can arrive).
  let headers: Record<string, string> = {}
  const server: Server = createServer((req, res) => {
    if (!isAllowedHost(req.headers.host, port)) {
      sendText(res, 421, `Refused: this host answers only to ${allowedHosts(port).join(' or ')}.`, headers)
      return
    }
    if (isUploadRequest(req)) {
      const log = engine.log
      handleUpload(req, res, {
        store: uploads,
        archives,
        token,
        port: () => port,
        headers: () => headers,
        log,
      })
      return
    }
    serveStatic(req, res, staticDir, headers).catch((error: Error) => {
      engine.log.error('webhost', `Serving ${req.url} failed: ${error.message}`)
      if (!res.headersSent) sendText(res, 500, 'The file could not be served.', headers)
      else res.destroy()
    })
  })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {})
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 403, 'Refused: unknown path.')
    if (!isAllowedHost(req.headers.host, port)) {
      engine.log.warn('webhost', `Refused a connection for host ${JSON.stringify(req.headers.host)}.`)
      return refuseUpgrade(
        socket,
        403,
        `Refused: this host answers only to ${allowedHosts(port).join(' or ')}.`,
      )
    }
    if (!isAllowedOrigin(req.headers.origin, port)) {
      engine.log.warn('webhost', `Refused a connection from origin ${JSON.stringify(req.headers.origin)}.`)
      return refuseUpgrade(
        socket,
        403,
        'Refused: connections are accepted only from the Mailwarden page itself.',
      )
    }
    const given = url.searchParams.get('token')
    if (!given)
      return refuseUpgrade(socket, 401, 'Refused: the token is missing; open the address Mailwarden printed.')
    if (!tokensEqual(token, given)) {
      engine.log.warn('webhost', 'Refused a connection with a wrong token.')
      return refuseUpgrade(socket, 401, 'Refused: the token is wrong; open the address Mailwarden printed.')
    }
    if (wss.clients.size >= MAX_CONNECTIONS) {
      return refuseUpgrade(socket, 403, `Refused: already ${MAX_CONNECTIONS} connections open.`)
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws, engine))
  })

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new PortInUseError(
            `Port ${port} on 127.0.0.1 is already in use; choose another with --port or omit it.`,
          ),
        )
      } else reject(error)
    }
    server.once('error', onError)
    // Loopback only, never 0.0.0.0: the operations include reading secrets.
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError)
      resolve()
    })
  })
  const address = server.address()
  if (address && typeof address === 'object') port = address.port
  headers = securityHeaders(contentSecurityPolicy(port))

  // Pushed events go to every authenticated tab.
  const unsubscribers = eventNames.map((event) =>
    engine.on(event, (payload) => {
      const message: WsServerMessage = { type: 'event', event, payload }
      const text = JSON.stringify(message)
      for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text)
    }),
  )

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    close: async () => {
      for (const unsubscribe of unsubscribers) unsubscribe()
      for (const client of wss.clients) client.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await uploads.close()
      await archives.close()
    },
  }
}

let nextConnection = 0

function serveConnection(ws: WebSocket, engine: Engine): void {
  let pending = 0
  // Each tab is one caller: when its socket closes, the runs it started are cancelled.
  const caller = { id: `web:${++nextConnection}` }
  ws.on('close', () => engine.releaseCaller(caller))
  const send = (message: WsServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
  }
  ws.on('error', (error) => engine.log.warn('webhost', `A connection failed: ${error.message}`))
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      send({ type: 'error', error: { code: 'invalid-request', message: 'Messages must be JSON text.' } })
      return
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(data.toString())
    } catch {
      send({ type: 'error', error: { code: 'invalid-request', message: 'That message is not valid JSON.' } })
      return
    }
    const call = WsCall.safeParse(parsed)
    if (!call.success) {
      send({
        type: 'error',
        error: {
          code: 'invalid-request',
          message: 'A message must be {"type":"call","id":N,"op":"...","payload":{...}}.',
        },
      })
      return
    }
    const { id, op, payload } = call.data
    if (pending >= MAX_PENDING_CALLS_PER_CONNECTION) {
      send({
        type: 'result',
        id,
        result: { ok: false, error: { code: 'too-large', message: 'Too many calls in flight.' } },
      })
      return
    }
    pending++
    engine
      .call(op, payload, caller)
      .then((result) => send({ type: 'result', id, result }))
      .finally(() => {
        pending--
      })
  })
}
