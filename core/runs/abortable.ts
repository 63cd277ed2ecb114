// Waiting without outliving a cancel: the one way the engine waits on a promise or a timer that
// takes no AbortSignal of its own, so a cancelled run stops waiting at once.

/** The signal's reason when it is an Error, else the DOM's AbortError. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  return reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError')
}

/**
 * `work`, or a rejection as soon as `signal` aborts: for work that takes no signal of its own (a
 * resolver, a promise another task holds). The rejection is `stopped(signal)`, by default the
 * signal's reason; `work` itself runs on, its outcome ignored.
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  stopped: (signal: AbortSignal) => unknown = abortError,
): Promise<T> {
  if (!signal) return work
  if (signal.aborted) return Promise.reject(stopped(signal))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(stopped(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal))
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortError(signal as AbortSignal))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
