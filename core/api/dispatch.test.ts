import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_SETTINGS } from '../../shared/contract/index.js'
import { dispatch } from './dispatch.js'
import { EngineError } from './errors.js'
import type { Handlers } from './handlers.js'

// Only the operations these tests call; the jobs' handlers are tested in their own folders.
function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const state = { settings: DEFAULT_SETTINGS, path: '/x', recovered: null }
  const some: Partial<Handlers> = {
    'app.info': async () => ({
      name: 'Mailwarden',
      version: '0',
      platform: 'test',
      shell: 'cli',
      configDir: '/x',
      keychain: { available: true, backend: 't', reason: null },
    }),
    'settings.get': async () => state,
    'settings.update': vi.fn(async () => state),
    'secrets.set': async ({ account }) => ({ account }),
    'secrets.get': async ({ account }) => ({ account, secret: null }),
    'secrets.delete': async ({ account }) => ({ account, deleted: false }),
    'secrets.list': async () => ({ accounts: [] }),
    ...overrides,
  }
  return some as Handlers
}

describe('dispatch', () => {
  it('runs a valid call', async () => {
    expect(await dispatch(handlers(), 'secrets.set', { account: 'a', secret: 'b' })).toEqual({
      ok: true,
      value: { account: 'a' },
    })
  })

  it('refuses an unknown operation, including prototype names', async () => {
    for (const op of ['nope', 'toString', '__proto__', 'constructor', 42, null]) {
      expect(await dispatch(handlers(), op, {})).toMatchObject({
        ok: false,
        error: { code: 'unknown-operation' },
      })
    }
  })

  it('validates before the handler runs: a bad payload never reaches it', async () => {
    const h = handlers()
    const result = await dispatch(h, 'settings.update', { connectTimeoutSeconds: 'soon' })
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', message: expect.stringMatching(/connectTimeoutSeconds/) },
    })
    expect(h['settings.update']).not.toHaveBeenCalled()
  })

  it('refuses unknown fields (strict schemas)', async () => {
    expect(await dispatch(handlers(), 'secrets.list', { all: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    })
  })

  it('refuses a secret that is empty, huge, or an account with control characters', async () => {
    const h = handlers()
    for (const payload of [
      { account: 'a', secret: '' },
      { account: 'a', secret: 'x'.repeat(5000) },
      { account: 'a\nb', secret: 'x' },
      { account: '', secret: 'x' },
    ]) {
      expect(await dispatch(h, 'secrets.set', payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid-request' },
      })
    }
  })

  it('passes an EngineError through as data', async () => {
    const h = handlers({
      'secrets.list': async () => {
        throw new EngineError('keychain-unavailable', 'No keychain.')
      },
    })
    expect(await dispatch(h, 'secrets.list', {})).toEqual({
      ok: false,
      error: { code: 'keychain-unavailable', message: 'No keychain.' },
    })
  })

  it('hides an unexpected error behind a sentence and logs the detail', async () => {
    const logged: string[] = []
    const h = handlers({
      'secrets.list': async () => {
        throw new Error('internal detail at /home/x')
      },
    })
    const result = await dispatch(h, 'secrets.list', {}, (m) => logged.push(m))
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal', message: 'secrets.list failed unexpectedly; the log has the details.' },
    })
    expect(logged.join()).toContain('internal detail')
  })
})

describe('settings validation in the engine', () => {
  it('refuses DNS servers the UI refuses: out-of-range octets and ports', async () => {
    for (const dnsServer of ['300.1.1.1', '9.9.9.9:70000', '[::1]:0', 'dns.example.org']) {
      expect(await dispatch(handlers(), 'settings.update', { dnsServer }), dnsServer).toMatchObject({
        ok: false,
        error: { code: 'invalid-request', message: expect.stringMatching(/dnsServer: /) },
      })
    }
    expect(await dispatch(handlers(), 'settings.update', { dnsServer: '127.0.0.53:53' })).toMatchObject({
      ok: true,
    })
  })
})
