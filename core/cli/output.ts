// What a command prints: human text by default, JSON with --json; errors are one sentence on
// stderr, and each error kind maps to an exit code.
import type { ApiErrorBody, Envelope } from '../../shared/contract/index.js'
import { EXIT, type ExitCode } from './exit-codes.js'

export interface Io {
  out(text: string): void
  err(text: string): void
}

export const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message)
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT.usage)
}

export function exitCodeFor(error: ApiErrorBody): ExitCode {
  switch (error.code) {
    case 'invalid-request':
    case 'unknown-operation':
      return EXIT.usage
    case 'keychain-unavailable':
    case 'forbidden':
    case 'too-large':
      return EXIT.environment
    default:
      return EXIT.internal
  }
}

/** Unwraps an engine result or turns its error into a CliError with the matching exit code. */
export function unwrap<T>(result: Envelope<unknown>): T {
  if (!result.ok) throw new CliError(result.error.message, exitCodeFor(result.error))
  return result.value as T
}
