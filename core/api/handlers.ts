// The engine's side of the contract: one handler per operation, fed an already-validated request.
import type { z } from 'zod'
import type { Operations, OpName, OpResponse } from '../../shared/contract/index.js'

export type OpParsedRequest<K extends OpName> = z.output<Operations[K]['request']>

export type Handlers = {
  [K in OpName]: (request: OpParsedRequest<K>) => Promise<OpResponse<K>>
}
