// The domain job's operations (shared/contract/domain.ts), composed by core/engine.ts:
// `domain.keygen` makes the keys in memory and hands them to the page, which saves them (a save
// dialog on the desktop, a download in a browser tab); nothing is written or kept here.
// `domain.check` runs check/ as a long run, with what the request leaves out taken from the
// settings (dnsServer, extraCaFile, connectTimeoutSeconds), as the probe does.
import { basename } from 'node:path'
import { KEYGEN_KEY_DIR } from '../../shared/contract/domain.js'
import { domainCheckRun } from '../../shared/contract/domain-check.js'
import { EngineError } from '../api/errors.js'
import type { JobModule } from '../api/handlers.js'
import type { EngineContext } from '../context.js'
import { NetError } from '../net/errors.js'
import { loadTrust } from '../probe/tls/trust.js'
import { checkDomain } from './check/check-domain.js'
import { daneServer, systemNameserver } from './check/system-nameserver.js'
import {
  type DkimKey,
  describeKeys,
  domainProblem,
  makeDkimKey,
  planKeygen,
  selectorProblem,
} from './keygen/index.js'

/** Advice about a file this handler does not write (the page says where the download went). */
const FILE_ADVICE = new Set(['keygen-key-permissions'])

export function domainModule(context: EngineContext): JobModule<'domain.keygen' | 'domain.check'> {
  return {
    handlers: {
      'domain.check': async (request, caller) => {
        const { settings } = await context.settings.load()
        const dnsServer = request.dnsServer ?? settings.dnsServer
        const resolver = await context.resolver(dnsServer)
        const timeoutMs = settings.connectTimeoutSeconds * 1000
        const mail = request.skipMx
          ? undefined
          : {
              trust: await loadTrust(settings.extraCaFile),
              daneResolver: dnsServer ? daneServer(dnsServer) : await systemNameserver(),
              timeoutMs,
            }
        return context.runs.start(
          {
            run: domainCheckRun,
            progressEvent: 'domain.check.progress',
            finishedEvent: 'domain.check.finished',
            label: 'domain check',
          },
          caller,
          async ({ signal, progress }) => {
            try {
              const report = await checkDomain(request.domain, {
                resolver,
                selectors: request.selectors.length > 0 ? request.selectors : undefined,
                mail: mail && { ...mail, signal },
                onPhase: (phase) => progress({ phase }),
              })
              return report
            } catch (error) {
              if (error instanceof NetError && error.kind === 'cancelled') throw error
              if (error instanceof NetError) throw new EngineError('unavailable', error.message)
              throw error
            }
          },
        )
      },
      'domain.keygen': async (request) => {
        const problem = domainProblem(request.domain) ?? selectorProblem(request.selector)
        if (problem) throw new EngineError('invalid-request', problem)
        const planned = planKeygen({ ...request, cwd: KEYGEN_KEY_DIR })
        const keys: DkimKey[] = await Promise.all(planned.map((p) => makeDkimKey({ type: p.type })))
        const described = describeKeys(request, planned, keys, new Date())
        return {
          domain: described.domain,
          type: described.type,
          keys: planned.map((p, i) => ({
            selector: p.selector,
            algorithm: (keys[i] as DkimKey).algorithm,
            fileName: basename(p.file),
            privatePem: (keys[i] as DkimKey).privatePem,
          })),
          records: described.records,
          snippets: described.snippets,
          advice: described.advice.filter((a) => !FILE_ADVICE.has(a.id)),
        }
      },
    },
  }
}
