// The one pattern for long operations (a probe, an archive of messages, a running tunnel):
// `<job>.start` returns a run id at once; `<job>.progress` events carry progress tagged with that
// id; one `<job>.finished` event carries the outcome; `runs.cancel` stops a run; a closed window or
// tab cancels the runs it started. The engine validates progress and results against these
// schemas before they leave it, exactly as it validates requests on the way in.
import { z } from 'zod'
import { ApiErrorBody } from './envelope.js'

export const RunId = z.string().regex(/^run-[0-9a-z]{1,40}$/, 'a run id looks like run-1a2b')
export type RunId = z.infer<typeof RunId>

export const RunRef = z.object({ runId: RunId }).strict()
export type RunRef = z.infer<typeof RunRef>

/** How a run ended. `failed` carries a sentence for the user, like any operation's error. */
export function runOutcome<R extends z.ZodType>(result: R) {
  return z.discriminatedUnion('status', [
    z.object({ status: z.literal('done'), result }).strict(),
    z.object({ status: z.literal('cancelled') }).strict(),
    z.object({ status: z.literal('failed'), error: ApiErrorBody }).strict(),
  ])
}

/**
 * Declares a long operation: its start request, what each progress event carries and its result.
 * `operation` goes into the operation map as `<job>.start`; `progressEvent` and `finishedEvent`
 * into the event map as `<job>.progress` and `<job>.finished`.
 */
/** One operation of the contract: what it takes, what it answers, and a line that says what it does. */
export function operation<Req extends z.ZodType, Res extends z.ZodType>(
  request: Req,
  response: Res,
  summary: string,
) {
  return { request, response, summary }
}

export function longRun<Req extends z.ZodType, P extends z.ZodType, R extends z.ZodType>(spec: {
  request: Req
  progress: P
  result: R
  summary: string
}) {
  const finished = z.object({ runId: RunId, outcome: runOutcome(spec.result) }).strict()
  return {
    request: spec.request,
    progress: spec.progress,
    result: spec.result,
    operation: { request: spec.request, response: RunRef, summary: spec.summary },
    progressEvent: z.object({ runId: RunId, progress: spec.progress }).strict(),
    finishedEvent: finished,
  }
}

export type LongRun = ReturnType<typeof longRun<z.ZodType, z.ZodType, z.ZodType>>

export const runOperations = {
  'runs.cancel': {
    request: RunRef,
    response: z.object({ runId: RunId, cancelled: z.boolean() }).strict(),
    summary: 'Cancel a long operation this window started (false when it had already ended).',
  },
} as const
