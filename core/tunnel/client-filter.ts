// The client → server side of every protocol filter: a SASL response is never recorded; a command
// the tunnel answers itself (STARTTLS and its kin: this connection is already encrypted) is refused
// here, toward the client, and never reaches the server; every other command is recorded (by the
// protocol, redacted where it carries a credential) and passes unchanged.
import { EMPTY, LineStream, text } from './line-stream.js'
import { type CommandRecorder, REDACTED } from './recorder.js'

export abstract class ClientFilter extends LineStream {
  protected readonly recorder: CommandRecorder
  /** The other direction, where a local refusal goes toward the client. */
  readonly #toClient: LineStream

  constructor(toClient: LineStream, recorder: CommandRecorder) {
    super()
    this.#toClient = toClient
    this.recorder = recorder
  }

  protected line(line: Buffer): Buffer | null {
    const value = text(line)
    if (this.inSasl()) {
      this.recorder.add(`${REDACTED} (SASL response)`)
      return null
    }
    return this.command(value)
  }

  /** An authentication exchange is under way: the client's lines are SASL responses. */
  protected abstract inSasl(): boolean

  /** One line from the client that is not a SASL response: null passes it, bytes replace it. */
  protected abstract command(value: string): Buffer | null

  /** Answers a command here with `reply` (the command recorded as sent); the server never sees it. */
  protected refuse(value: string, reply: string): Buffer {
    this.recorder.add(value)
    this.#toClient.inject(reply)
    return EMPTY
  }
}
