// The shape of a before-TLS dialogue (dialogue.ts picks one per protocol): a greeting, and an
// answer to each line the device sends.

/** A local STARTTLS side (LAN device), before TLS: what the tunnel answers without the server. */
export interface BeforeTlsAnswer {
  reply: string
  /** continue: read the next line; upgrade: TLS handshake now; close: the client said goodbye. */
  next: 'continue' | 'upgrade' | 'close'
  /** The line as the connection record keeps it (credentials redacted). */
  record: string
  /** A login the tunnel refused (sent before TLS): counted as a failed login. */
  refusedLogin?: true
}

/** A protocol's greeting and its answer to each line before TLS. */
export interface Dialogue {
  greeting: string
  answer(line: string): BeforeTlsAnswer
}
