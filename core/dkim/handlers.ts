// The dkim job's operations (shared/contract/dkim.ts), composed by core/engine.ts: `dkim.verify`
// for one message, the long run `dkim.batch` for a folder and the long run `dkim.archive` for an
// mbox (read in place from the file the host holds, on the CLI's worker pool). Keys come from the
// key file the request carries, or from DNS through the key store in the config directory (each
// key fetched once per run).
import {
  type ArchiveSource,
  batchErrorRow,
  type DkimBatchRow,
  type DkimReport,
  dkimArchiveRun,
  dkimBatchRun,
  type MessageSource,
} from '../../shared/contract/index.js'
import { EngineError } from '../api/errors.js'
import type { JobModule } from '../api/handlers.js'
import type { EngineContext } from '../context.js'
import { readMessageSource } from '../uploads/read-source.js'
import { type ClaimedUpload, sharedArchiveStore, type UploadStore } from '../uploads/store.js'
import { verifyMboxFile } from './archive/mbox-run.js'
import { reportRow } from './archive/rows.js'
import { startsWithFromLine } from './archive/sources.js'
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

function missingArchive(source: ArchiveSource, reason: 'unknown' | 'expired'): EngineError {
  return new EngineError(
    'not-found',
    reason === 'expired'
      ? `The upload of ${source.name} expired before it was verified; open the mbox again.`
      : `There is no upload ${source.uploadId} waiting (each upload is used once); open ${source.name} again.`,
  )
}

/** The archive a request names, still waiting in the store, or a sentence why not. */
function waitingArchive(source: ArchiveSource, archives: UploadStore): { file: string } {
  const waiting = archives.peek(source.uploadId)
  if (waiting.ok) return waiting
  throw missingArchive(source, waiting.reason)
}

/** The archive a request names, claimed from the store (used once), or a sentence why not. */
function claimArchive(source: ArchiveSource, archives: UploadStore): ClaimedUpload {
  const claimed = archives.claim(source.uploadId)
  if (claimed.ok) return claimed
  throw missingArchive(source, claimed.reason)
}

/** An mbox starts with a From_ line ("From ", a sender, a date); anything else is refused before a run starts. */
async function checkMbox(file: string, name: string): Promise<void> {
  // By content only: the user chose this file as an mbox (and the web host's copy has no name).
  if (!(await startsWithFromLine(file)))
    throw new EngineError(
      'invalid-request',
      `${name} is not an mbox: its first line is not an mbox "From " line (From, a sender, a date). Open a single message in “Verify a message”.`,
    )
}

export interface DkimModuleOptions {
  /** Where archive uploads wait; the process's shared store unless a test passes its own. */
  archives?: UploadStore
}

export function dkimModule(
  context: EngineContext,
  options: DkimModuleOptions = {},
): JobModule<'dkim.verify' | 'dkim.batch' | 'dkim.archive'> {
  const archives = () => options.archives ?? sharedArchiveStore()
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
        const { keys, finish } = await keySourceFor(context, request)
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
                  rows.push(reportRow(verified.name, verified.report))
                } catch (error) {
                  if (signal.aborted) throw error
                  const message =
                    error instanceof EngineError
                      ? error.message
                      : `Verification failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`
                  if (!(error instanceof EngineError)) context.log.error('dkim', `${name}: ${message}`)
                  rows.push(batchErrorRow(name, message))
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
      'dkim.archive': async (request, caller) => {
        const store = archives()
        const name = request.archive.name
        // Looked at, not yet used: a run cancelled before it starts leaves the upload to expire.
        await checkMbox(waitingArchive(request.archive, store).file, name)
        const { keys, finish } = await keySourceFor(context, request)
        const at = request.at ? new Date(request.at) : null
        return context.runs.start(
          {
            run: dkimArchiveRun,
            progressEvent: 'dkim.archive.progress',
            finishedEvent: 'dkim.archive.finished',
            label: 'DKIM mbox verification',
          },
          caller,
          async ({ signal, progress }) => {
            const claimed = claimArchive(request.archive, store)
            try {
              return await verifyMboxFile({
                file: claimed.file,
                name,
                size: claimed.size,
                format: request.format ?? 'mboxrd',
                keys,
                at,
                signal,
                progress,
              })
            } finally {
              // The copy is deleted (and the keys learnt are kept) however the run ends.
              await claimed.release()
              await finish()
            }
          },
        )
      },
    },
  }
}
