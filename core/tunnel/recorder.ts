// The first client commands of a connection, for its record: bounded, and never a credential.
// LOGIN / AUTH / AUTHENTICATE / PASS / APOP arguments are replaced here by the protocol filters,
// SASL continuation lines are never kept, and core/log/redact.ts scrubs whatever shape is left.
import { TUNNEL_RECORD_MAX_COMMANDS } from '../../shared/contract/tunnel.js'
import { redact } from '../log/redact.js'

const MAX_COMMAND_CHARS = 200
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/g

export class CommandRecorder {
  readonly commands: string[] = []

  add(command: string): void {
    if (this.commands.length >= TUNNEL_RECORD_MAX_COMMANDS) return
    // Control characters from a client would garble a log line: shown as "?".
    const clean = redact(command.replace(CONTROL, '?'))
    this.commands.push(clean.length > MAX_COMMAND_CHARS ? `${clean.slice(0, MAX_COMMAND_CHARS - 1)}…` : clean)
  }
}

export const REDACTED = '[redacted]'
