import { describe, expect, it } from 'vitest'
import { buildRawApi, createClient } from './api.js'
import { ApiError } from './envelope.js'
import { opNames } from './operations.js'

describe('the contract', () => {
  it('derives one function per operation, grouped by namespace', () => {
    const calls: Array<[string, unknown]> = []
    const raw = buildRawApi(async (op, request) => {
      calls.push([op, request])
      return { ok: true, value: null }
    })
    const exposed = Object.entries(raw).flatMap(([ns, fns]) => Object.keys(fns).map((m) => `${ns}.${m}`))
    expect(exposed.sort()).toEqual([...opNames].sort())
    void raw.settings.update({ theme: 'dark' })
    expect(calls).toEqual([['settings.update', { theme: 'dark' }]])
  })

  it('unwraps results and throws the engine’s error as ApiError', async () => {
    const client = createClient({
      call: async (op) =>
        op === 'secrets.list'
          ? { ok: false, error: { code: 'keychain-unavailable', message: 'No keychain here.' } }
          : { ok: true, value: { accounts: [] } },
      subscribe: () => () => {},
    })
    await expect(client.api.secrets.list({})).rejects.toEqual(
      new ApiError({ code: 'keychain-unavailable', message: 'No keychain here.' }),
    )
    await expect(client.api.secrets.list({})).rejects.toMatchObject({ code: 'keychain-unavailable' })
    await expect(client.api.app.info({})).resolves.toEqual({ accounts: [] })
  })
})
