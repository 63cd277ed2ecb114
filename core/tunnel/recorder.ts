// The first client commands of a connection, for its record: bounded, and never a credential.
// LOGIN / AUTH / AUTHENTICATE / PASS / APOP arguments are replaced here by the protocol filters,
// SASL continuation lines are never kept, and core/log/redact.ts scrubs whatever shape is left.
import { TUNNEL_RECORD_MAX_COMMANDS } from '../../shared/contract/tunnel.js'
import { redact } from '../log/redact.js'
import { MAX_RECORDED_COMMAND_CHARS } from './limits.js'

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/g

export class CommandRecorder {
  readonly commands: string[] = []
  /** The server's answer to the last login (LOGIN, AUTHENTICATE, PASS, APOP, AUTH); null: none yet. */
  login: 'ok' | 'failed' | null = null
  /** Logins the server refused in this connection (a client may try again on the same one). */
  loginsFailed = 0

  /** The server answered a login: its answer only, never what the client sent. */
  loginAnswered(accepted: boolean): void {
    this.login = accepted ? 'ok' : 'failed'
    if (!accepted) this.loginsFailed++
  }

  add(command: string): void {
    if (this.commands.length >= TUNNEL_RECORD_MAX_COMMANDS) return
    // Control characters from a client would garble a log line: shown as "?".
    const clean = redact(command.replace(CONTROL, '?'))
    this.commands.push(
      clean.length > MAX_RECORDED_COMMAND_CHARS
        ? `${clean.slice(0, MAX_RECORDED_COMMAND_CHARS - 1)}…`
        : clean,
    )
  }
}

export const REDACTED = '[redacted]'
