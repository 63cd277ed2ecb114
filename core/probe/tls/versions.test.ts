// A version attempt that cannot be judged says why with an id (the run turns only
// `runtime-cannot-offer` into a note of its own); the sentence only explains.
import { afterEach, describe, expect, it } from 'vitest'
import { hostileServers } from '../../net/test-support/hostile-server.js'
import { tryVersion } from './versions.js'

const hostile = hostileServers()
afterEach(() => hostile.closeAll())

describe('tryVersion', () => {
  it('calls a silent server untested with the id no-answer', async () => {
    const port = await hostile.serve(() => {}) // accepts, then never answers the ClientHello
    const outcome = await tryVersion('TLSv1.2', {
      endpoint: { host: '127.0.0.1', port },
      startTls: null,
      timeoutMs: 300,
    })
    expect(outcome.status).toBe('untested')
    expect(outcome.status === 'untested' ? outcome.id : null).toBe('no-answer')
  })
})
