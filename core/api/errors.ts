// Errors the engine raises on purpose: each carries a contract error code and one clear sentence.
import type { ErrorCode } from '../../shared/contract/index.js'

export class EngineError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'EngineError'
    this.code = code
  }
}
