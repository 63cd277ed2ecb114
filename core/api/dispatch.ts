// The one gate every transport goes through: operation lookup, schema validation of the
// untrusted payload, the handler, and errors turned into data. The UI is never trusted.
import type { z } from 'zod'
import { type Envelope, isOpName, operations } from '../../shared/contract/index.js'
import { EngineError } from './errors.js'
import { type Caller, type Handlers, LOCAL_CALLER } from './handlers.js'

/** Renders a schema failure as one sentence naming the field, e.g. "theme: Invalid option". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}

export type DispatchLogger = (message: string) => void

export async function dispatch(
  handlers: Handlers,
  op: unknown,
  payload: unknown,
  logError: DispatchLogger = () => {},
  caller: Caller = LOCAL_CALLER,
): Promise<Envelope<unknown>> {
  if (!isOpName(op)) {
    return {
      ok: false,
      error: { code: 'unknown-operation', message: `There is no operation named ${JSON.stringify(op)}.` },
    }
  }
  const parsed = operations[op].request.safeParse(payload ?? {})
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'invalid-request',
        message: `The request for ${op} is invalid: ${describeIssues(parsed.error)}.`,
      },
    }
  }
  try {
    const handler = handlers[op] as (request: unknown, caller: Caller) => Promise<unknown>
    const value = await handler(parsed.data, caller)
    // Results are checked on the way out as requests are on the way in: a bug in a handler must
    // not hand the UI a shape the contract does not promise.
    const checked = operations[op].response.safeParse(value)
    if (!checked.success) {
      logError(`${op} produced a result outside its schema: ${describeIssues(checked.error)}`)
      return {
        ok: false,
        error: { code: 'internal', message: `${op} failed unexpectedly; the log has the details.` },
      }
    }
    return { ok: true, value: checked.data }
  } catch (error) {
    if (error instanceof EngineError)
      return { ok: false, error: { code: error.code, message: error.message } }
    // An unexpected failure: log the detail locally, give the UI a sentence without internals.
    logError(`${op} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    return {
      ok: false,
      error: { code: 'internal', message: `${op} failed unexpectedly; the log has the details.` },
    }
  }
}
