import { afterEach, describe, expect, it } from 'vitest'
import { OAuthAccount, type OAuthAccountState } from '../../shared/contract/index.js'
import { draftFrom, valuesFrom } from '../sections/tunnels/TunnelForm.js'
import { accountIdFor, useOAuthStore } from './oauth.js'

afterEach(() => useOAuthStore.getState().reset())

function account(id: string, state: OAuthAccountState['state'] = 'signed-in'): OAuthAccountState {
  return {
    account: OAuthAccount.parse({
      id,
      provider: 'custom',
      address: `${id}@lab.test`,
      clientId: 'mailwarden-lab',
      issuer: 'https://auth.lab.test',
    }),
    signedIn: state !== 'signed-out',
    state,
    hasClientSecret: false,
    accessTokenExpiresAt: null,
    nextRefreshAt: null,
    lastError: null,
  }
}

describe('accountIdFor', () => {
  it('makes an id from the address, free of the ones taken', () => {
    expect(accountIdFor('Alice@Example.COM', [])).toBe('alice-example-com')
    expect(accountIdFor('alice@example.com', ['alice-example-com'])).toBe('alice-example-com-2')
    expect(accountIdFor('@@@', [])).toBe('account')
    expect(accountIdFor(`${'x'.repeat(100)}@example.com`, []).length).toBeLessThanOrEqual(64)
  })
})

describe('the OAuth store', () => {
  it('keeps accounts by id from status events and forgets deleted ones', () => {
    const store = useOAuthStore.getState()
    store.receiveStatus(account('alice', 'signed-out'))
    store.receiveStatus(account('bob'))
    store.receiveStatus(account('alice'))
    expect(useOAuthStore.getState().accounts.map((a) => [a.account.id, a.state])).toEqual([
      ['alice', 'signed-in'],
      ['bob', 'signed-in'],
    ])
    store.receiveDeleted({ id: 'alice' })
    expect(useOAuthStore.getState().accounts.map((a) => a.account.id)).toEqual(['bob'])
  })

  it('drops a "signed in" note once the account is signed out or refused', () => {
    useOAuthStore.setState({
      signIn: { accountId: 'alice', flow: 'browser', status: 'done', step: null, error: null },
    })
    useOAuthStore.getState().receiveStatus(account('alice'))
    expect(useOAuthStore.getState().signIn?.status).toBe('done')
    useOAuthStore.getState().receiveStatus(account('alice', 'needs-authorization'))
    expect(useOAuthStore.getState().signIn).toBeNull()
  })
})

describe('the tunnel form with an OAuth login', () => {
  const base = { ...valuesFrom(null), name: 'Work', upstreamHost: 'oauth.lab.test' }

  it('passes the login through by default', () => {
    const checked = draftFrom(base)
    expect('draft' in checked && checked.draft.oauth).toBeNull()
  })

  it('needs an account and a local password of 8 or more characters', () => {
    const oauth = { ...base, loginMode: 'oauth' as const }
    expect(draftFrom(oauth)).toEqual({
      errors: {
        oauthAccountId: expect.stringContaining('Choose the OAuth account'),
        localPassword: expect.stringContaining('Set a local password'),
      },
    })
    expect(draftFrom({ ...oauth, oauthAccountId: 'alice', localPassword: 'short' })).toEqual({
      errors: { localPassword: 'A local password has at least 8 characters.' },
    })
    const checked = draftFrom({ ...oauth, oauthAccountId: 'alice', localPassword: 'long enough' })
    expect('draft' in checked && checked.draft.oauth).toEqual({ accountId: 'alice', mechanism: 'auto' })
  })

  it('keeps a stored local password when none is typed on edit', () => {
    const edit = { ...base, loginMode: 'oauth' as const, oauthAccountId: 'alice' }
    expect('draft' in draftFrom(edit, true)).toBe(true)
    expect(valuesFrom({ oauth: { accountId: 'alice', mechanism: 'xoauth2' } })).toMatchObject({
      loginMode: 'oauth',
      oauthAccountId: 'alice',
      oauthMechanism: 'xoauth2',
      localPassword: '',
    })
  })
})
