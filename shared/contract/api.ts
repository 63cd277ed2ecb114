// The typed API both front ends see, derived from the operation and event maps:
// "settings.update" becomes api.settings.update(patch), and events arrive through api.on().
import type { Envelope } from './envelope.js'
import { ApiError } from './envelope.js'
import type { EventName, EventPayload } from './events.js'
import type { OpName, OpRequest, OpResponse } from './operations.js'
import { opNames } from './operations.js'

type Namespace<K extends string> = K extends `${infer NS}.${string}` ? NS : never
type MethodOf<K extends string, NS extends string> = K extends `${NS}.${infer M}` ? M : never
type OpFor<NS extends string, M extends string> = `${NS}.${M}` & OpName

/** One function per operation, grouped by namespace; each returns the envelope untouched. */
export type RawApi = {
  [NS in Namespace<OpName>]: {
    [M in MethodOf<OpName, NS>]: (
      request: OpRequest<OpFor<NS, M>>,
    ) => Promise<Envelope<OpResponse<OpFor<NS, M>>>>
  }
}

/** Same shape, but results are unwrapped and failures thrown as ApiError. */
export type Api = {
  [NS in Namespace<OpName>]: {
    [M in MethodOf<OpName, NS>]: (request: OpRequest<OpFor<NS, M>>) => Promise<OpResponse<OpFor<NS, M>>>
  }
}

export type Listener<K extends EventName> = (payload: EventPayload<K>) => void
export type Unsubscribe = () => void

/** What a transport provides: a call per operation name, and a subscription per event name. */
export interface Transport {
  call(op: OpName, request: unknown): Promise<Envelope<unknown>>
  subscribe<K extends EventName>(event: K, listener: Listener<K>): Unsubscribe
}

export interface Client {
  api: Api
  on<K extends EventName>(event: K, listener: Listener<K>): Unsubscribe
}

function splitOp(name: OpName): [string, string] {
  const dot = name.indexOf('.')
  return [name.slice(0, dot), name.slice(dot + 1)]
}

/** Builds the namespaced object of one function per operation from a per-name caller. */
export function buildNamespaced<F>(makeFn: (op: OpName) => F): Record<string, Record<string, F>> {
  const out: Record<string, Record<string, F>> = {}
  for (const name of opNames) {
    const [ns, method] = splitOp(name)
    out[ns] ??= {}
    out[ns][method] = makeFn(name)
  }
  return out
}

export function buildRawApi(call: (op: OpName, request: unknown) => Promise<Envelope<unknown>>): RawApi {
  return buildNamespaced((op) => (request: unknown) => call(op, request)) as unknown as RawApi
}

export function createClient(transport: Transport): Client {
  const api = buildNamespaced((op) => async (request: unknown) => {
    const result = await transport.call(op, request ?? {})
    if (!result.ok) throw new ApiError(result.error)
    return result.value
  }) as unknown as Api
  return { api, on: (event, listener) => transport.subscribe(event, listener) }
}
