// The probe job's operations (shared/contract/probe.ts), composed by core/engine.ts: `probe.start`
// runs core/probe/run.ts as a long run. What the request leaves out comes from the settings
// (dnsServer, extraCaFile, connectTimeoutSeconds, ispdbUrl, mailClient), so the CLI and the UI
// probe alike.
import { probeRun } from '../../shared/contract/probe.js'
import { EngineError } from '../api/errors.js'
import type { JobModule } from '../api/handlers.js'
import type { EngineContext } from '../context.js'
import { readCaFile } from '../net/ca-file.js'
import { NetError } from '../net/errors.js'
import { checkCaFile } from '../settings/store.js'
import { probe } from './run.js'

export function probeModule(context: EngineContext): JobModule<'probe.start' | 'probe.checkCaFile'> {
  return {
    handlers: {
      // The same check settings.update makes, asked before saving so the page can say which field.
      'probe.checkCaFile': async ({ path }) => {
        try {
          await checkCaFile(path)
          return { problem: null, certificates: (await readCaFile(path)).certificates.length }
        } catch (error) {
          if (error instanceof EngineError && error.code === 'invalid-request')
            return { problem: error.message, certificates: 0 }
          throw error
        }
      },
      'probe.start': async (request, caller) => {
        const { settings } = await context.settings.load()
        const resolver = await context.resolver(request.dnsServer ?? null)
        const options = {
          resolver,
          caFile: request.caFile ?? settings.extraCaFile,
          timeoutMs: request.timeoutMs ?? settings.connectTimeoutSeconds * 1000,
          client: request.client ?? settings.mailClient,
          ispdbUrl: settings.ispdbUrl,
        }
        return context.runs.start(
          { run: probeRun, progressEvent: 'probe.progress', finishedEvent: 'probe.finished', label: 'probe' },
          caller,
          async ({ signal, progress }) => {
            try {
              return await probe(request, { ...options, signal }, progress)
            } catch (error) {
              if (error instanceof NetError && error.kind === 'cancelled') throw error
              if (error instanceof EngineError) throw error
              if (error instanceof NetError) throw new EngineError('unavailable', error.message)
              throw error
            }
          },
        )
      },
    },
  }
}
