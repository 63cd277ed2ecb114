// The dkim job's operations (shared/contract/dkim.ts), composed by core/engine.ts: `dkim.verify`
// for one message and the long run `dkim.batch` for a folder. Keys come from the key file the
// request carries, or from DNS through the key store in the config directory (each key fetched
// once per batch).
import {
  type DkimBatchRow,
  type DkimReport,
  dkimBatchRun,
  type MessageSource,
} from '../../shared/contract/index.js'
import { EngineError } from '../api/errors.js'
import type { JobModule } from '../api/handlers.js'
import type { EngineContext } from '../context.js'
import { readMessageSource } from '../uploads/read-source.js'
import { DkimInputError } from './errors.js'
import {
  cachedKeySource,
  dnsKeySource,
  type KeySource,
  keyFileSource,
  keyStore,
  type LearningKeySource,
} from './key-sources.js'
import { verifyMessage } from './verify.js'

/** A key file when the request has one; else DNS through the key store (saved by `finish`). */
async function keySourceFor(
  context: EngineContext,
  request: { dnsServer?: string | null; keys?: string | null },
): Promise<{ keys: KeySource; finish: () => Promise<void> }> {
  if (request.keys) {
    try {
      return { keys: keyFileSource(request.keys), finish: async () => {} }
    } catch (error) {
      throw new EngineError('invalid-request', `The key file cannot be read: ${(error as Error).message}`)
    }
  }
  const resolver = await context.resolver(request.dnsServer ?? null)
  const store = keyStore(context.options.configDir, dnsKeySource(resolver))
  // verifyMessage saves a learning source after each message; a batch saves once, at the end.
  const deferred: LearningKeySource = { ...store, save: async () => {} }
  return {
    keys: cachedKeySource(deferred),
    finish: () =>
      store.save().catch((error: unknown) => {
        // A cache of public keys: failing to write it loses no result, but is worth a log line.
        context.log.warn('dkim', `The DKIM key store could not be saved: ${(error as Error).message}`)
      }),
  }
}

function inputError(error: unknown): never {
  if (error instanceof DkimInputError)
    throw new EngineError(error.problem === 'too-large' ? 'too-large' : 'invalid-request', error.message)
  throw error
}

async function verifySource(
  context: EngineContext,
  source: MessageSource,
  keys: KeySource,
  at: Date | null,
  signal?: AbortSignal,
): Promise<{ name: string; report: DkimReport }> {
  const opened = await readMessageSource(source, context)
  const report = await verifyMessage(opened.bytes, { keys, at, signal }).catch(inputError)
  return { name: opened.name, report }
}

function row(name: string, report: DkimReport): DkimBatchRow {
  const count = (severity: 'critical' | 'warning' | 'info') =>
    report.findings.filter((f) => f.severity === severity).length
  return {
    name,
    verdict: report.verdict,
    alignedPass: report.alignedPass,
    from: report.from,
    domains: report.signatures.map((s) => s.domain),
    signatures: report.signatures.length,
    findings: { critical: count('critical'), warning: count('warning'), info: count('info') },
    error: null,
  }
}

export function dkimModule(context: EngineContext): JobModule<'dkim.verify' | 'dkim.batch'> {
  return {
    handlers: {
      'dkim.verify': async (request) => {
        const { keys, finish } = await keySourceFor(context, request)
        const at = request.at ? new Date(request.at) : null
        try {
          const { report } = await verifySource(context, request.message, keys, at)
          return report
        } finally {
          await finish()
        }
      },
      'dkim.batch': async (request, caller) => {
        const { keys, finish } = await keySourceFor(context, { dnsServer: request.dnsServer })
        const at = request.at ? new Date(request.at) : null
        return context.runs.start(
          {
            run: dkimBatchRun,
            progressEvent: 'dkim.batch.progress',
            finishedEvent: 'dkim.batch.finished',
            label: 'DKIM batch',
          },
          caller,
          async ({ signal, progress }) => {
            const rows: DkimBatchRow[] = []
            const total = request.messages.length
            try {
              for (const [i, source] of request.messages.entries()) {
                signal.throwIfAborted()
                const name = source.name
                try {
                  const verified = await verifySource(context, source, keys, at, signal)
                  rows.push(row(verified.name, verified.report))
                } catch (error) {
                  if (signal.aborted) throw error
                  const message =
                    error instanceof EngineError
                      ? error.message
                      : `Verification failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`
                  if (!(error instanceof EngineError)) context.log.error('dkim', `${name}: ${message}`)
                  rows.push({
                    name,
                    verdict: 'none',
                    alignedPass: false,
                    from: null,
                    domains: [],
                    signatures: 0,
                    findings: { critical: 0, warning: 0, info: 0 },
                    error: message.slice(0, 500),
                  })
                }
                progress({ done: i + 1, total, name })
              }
            } finally {
              // What was learnt about keys is kept even when the run is cancelled.
              await finish()
            }
            return { rows }
          },
        )
      },
    },
  }
}
