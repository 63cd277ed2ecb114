// Network failures as data: a stable kind the probe turns into a finding and the tunnel into a
// protocol error for its client, plus a sentence for the user.
export type NetFailure =
  | 'timeout' // nothing (or not enough) arrived within the deadline
  | 'connect-timeout' // the TCP connect itself timed out (filtered port)
  | 'refused' // ECONNREFUSED: nothing listens there
  | 'unreachable' // no route, host down
  | 'reset' // ECONNRESET / EPIPE mid-dialogue
  | 'closed' // the server closed the connection cleanly mid-dialogue
  | 'line-too-long'
  | 'too-much-data'
  | 'protocol' // the server said something that is not its protocol
  | 'starttls-refused' // the server does not offer or refused STARTTLS
  | 'injection' // bytes after the STARTTLS OK, before the handshake
  | 'preauth' // an IMAP PREAUTH greeting: no chance to upgrade before being logged in
  | 'tls' // the handshake failed
  | 'cancelled'
  | 'dns'

/** A finer id within a kind, where a caller must tell cases apart (never by the sentence):
 * `session-refused` is a `protocol` failure where the server greeted with a refusal (SMTP 554, IMAP BYE). */
export type NetFailureId = 'session-refused'

export class NetError extends Error {
  readonly kind: NetFailure
  readonly id?: NetFailureId
  /** For `injection`: the injected bytes (bounded), for the report. */
  readonly data?: Buffer
  constructor(
    kind: NetFailure,
    message: string,
    options?: { cause?: unknown; data?: Buffer; id?: NetFailureId },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'NetError'
    this.kind = kind
    this.id = options?.id
    this.data = options?.data
  }
}

/** Maps a socket error to a NetError with a sentence naming the endpoint. */
export function fromSocketError(error: unknown, where: string): NetError {
  if (error instanceof NetError) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const message = error instanceof Error ? error.message : String(error)
  switch (code) {
    case 'ECONNREFUSED':
      return new NetError('refused', `${where} refused the connection: nothing listens on that port.`, {
        cause: error,
      })
    case 'ECONNRESET':
    case 'EPIPE':
      return new NetError('reset', `${where} reset the connection.`, { cause: error })
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new NetError('unreachable', `${where} cannot be reached from this network (${code}).`, {
        cause: error,
      })
    case 'ABORT_ERR':
      return new NetError('cancelled', 'Cancelled.', { cause: error })
    default:
      return new NetError('tls', `${where}: ${message}`, { cause: error })
  }
}
