// The one STARTTLS upgrader (probe and tunnel): ask for it in the protocol's words, require the
// server's OK, refuse any byte the server sent after that OK (CVE-2011-0411 class: response
// injection that would be read as if it came over TLS), then handshake on the same socket.
// It never falls back to plaintext: every failure is a NetError.
import type net from 'node:net'
import type tls from 'node:tls'
import type { MailProtocol } from '../../shared/contract/mail.js'
import { connectTcp, describeEndpoint, type Endpoint, handshakeTls, type TlsOptions } from './connect.js'
import {
  type Capabilities,
  type Dialogue,
  dialogues,
  type Greeting,
  type StartTlsReply,
} from './dialogues/index.js'
import { NetError } from './errors.js'
import { MAX_INJECTED_BYTES_KEPT, MAX_QUOTED_REPLY_CHARS } from './limits.js'
import type { LineLimits } from './line-reader.js'
import { openSession, type Session, type TranscriptLine } from './session.js'

export interface StartTlsOptions extends Omit<TlsOptions, 'socket'> {
  /** The probe watches this long after the OK for injected bytes; the tunnel passes 0. */
  injectionWatchMs?: number
}

export interface Upgraded {
  tls: tls.TLSSocket
  reply: StartTlsReply
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms)
    function done() {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }
    function onAbort() {
      clearTimeout(timer)
      reject(new NetError('cancelled', 'Cancelled.'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Sends STARTTLS/STLS on an open session and upgrades the same socket to TLS. */
export async function startTls(
  session: Session,
  endpoint: Endpoint,
  dialogue: Dialogue,
  options: StartTlsOptions,
): Promise<Upgraded> {
  const where = describeEndpoint(endpoint)
  const reply = await dialogue.requestStartTls(session)
  if (!reply.accepted) {
    session.socket.destroy()
    throw new NetError(
      'starttls-refused',
      `${where} refused ${dialogue.startTlsCommand}: ${reply.reply.slice(0, MAX_QUOTED_REPLY_CHARS)}`,
    )
  }
  if (options.injectionWatchMs) await pause(options.injectionWatchMs, options.signal)
  const leftover = session.reader.detach()
  if (leftover.length > 0) {
    session.socket.destroy()
    throw new NetError(
      'injection',
      `${where} sent ${leftover.length} bytes after its ${dialogue.startTlsCommand} OK, before TLS started: a response-injection flaw (CVE-2011-0411 class). The connection was dropped.`,
      { data: Buffer.from(leftover.subarray(0, MAX_INJECTED_BYTES_KEPT)) },
    )
  }
  const socket = await handshakeTls(endpoint, { ...options, socket: session.socket as net.Socket })
  return { tls: socket, reply }
}

export interface StartTlsConnection extends Upgraded {
  greeting: Greeting
  /** Capabilities before TLS (SMTP: the EHLO reply, which STARTTLS needs first). */
  before: Capabilities
  transcript: TranscriptLine[]
}

/**
 * Connects, reads the greeting, checks that STARTTLS is offered and upgrades: the whole upstream
 * side of a STARTTLS tunnel. A PREAUTH greeting is refused (the session is logged in before it
 * could be encrypted), as is a server that does not offer STARTTLS.
 */
export async function connectStartTls(
  endpoint: Endpoint,
  protocol: MailProtocol,
  options: StartTlsOptions & { limits?: Partial<LineLimits> },
): Promise<StartTlsConnection> {
  const where = describeEndpoint(endpoint)
  const dialogue = dialogues[protocol]
  const socket = await connectTcp(endpoint, options)
  const transcript: TranscriptLine[] = []
  const session = openSession(socket, where, { limits: options.limits, signal: options.signal, transcript })
  try {
    const greeting = await dialogue.greeting(session)
    if (greeting.status === 'preauth')
      throw new NetError(
        'preauth',
        `${where} greeted with PREAUTH: it logs in before encryption can start, so it is refused.`,
      )
    if (greeting.status !== 'ok')
      throw new NetError(
        'protocol',
        `${where} refused the session: ${greeting.lines.join(' ').slice(0, MAX_QUOTED_REPLY_CHARS)}`,
        { id: 'session-refused' },
      )
    const before = await dialogue.capabilities(session)
    if (before.known && !before.startTls)
      throw new NetError(
        'starttls-refused',
        `${where} does not offer ${dialogue.startTlsCommand}; Mailwarden never falls back to plaintext.`,
      )
    const upgraded = await startTls(session, endpoint, dialogue, options)
    return { ...upgraded, greeting, before, transcript }
  } catch (error) {
    socket.destroy()
    throw error
  }
}
