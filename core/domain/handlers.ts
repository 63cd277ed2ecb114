// The domain job's operations (shared/contract/domain.ts), composed by core/engine.ts:
// `domain.keygen` makes the keys in memory and hands them to the page, which saves them (a save
// dialog on the desktop, a download in a browser tab); nothing is written or kept here.
import { basename } from 'node:path'
import { KEYGEN_KEY_DIR } from '../../shared/contract/domain.js'
import { EngineError } from '../api/errors.js'
import type { JobModule } from '../api/handlers.js'
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

export function domainModule(): JobModule<'domain.keygen'> {
  return {
    handlers: {
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
