import { describe, expect, it } from 'vitest'
import { OAuthAccount, type OAuthAccountState } from '../../../shared/contract/index.js'
import { accountStatusWords, clockTime, generateLocalPassword } from './oauth-words.js'

const state = (s: OAuthAccountState['state']): OAuthAccountState => ({
  account: OAuthAccount.parse({
    id: 'a',
    provider: 'custom',
    address: 'alice@lab.test',
    clientId: 'c',
    issuer: 'https://auth.lab.test',
  }),
  signedIn: s === 'signed-in',
  state: s,
  hasClientSecret: false,
  accessTokenExpiresAt: null,
  nextRefreshAt: null,
  lastError: null,
})

describe('oauth words', () => {
  it('says each state in words, a warning where the user must act', () => {
    expect(accountStatusWords(state('signed-in'))).toMatchObject({ label: 'Signed in', tone: 'listening' })
    expect(accountStatusWords(state('needs-authorization'))).toMatchObject({
      label: 'Needs sign-in',
      tone: 'warn',
    })
    expect(accountStatusWords(state('refresh-failed'))).toMatchObject({ tone: 'warn' })
    expect(accountStatusWords(state('signed-out'))).toMatchObject({ label: 'Not signed in' })
  })

  it('gives the time alone today and the date otherwise', () => {
    const now = new Date('2026-12-07T12:00:00')
    expect(clockTime(new Date('2026-12-07T14:05:00').toISOString(), now)).not.toMatch(/Dec/)
    expect(clockTime(new Date('2026-12-08T14:05:00').toISOString(), now)).toMatch(/8/)
    expect(clockTime('not a date', now)).toBe('not a date')
  })

  it('generates distinct passwords of the length asked, without look-alike characters', () => {
    const a = generateLocalPassword()
    expect(a).toHaveLength(20)
    expect(a).toMatch(/^[a-km-zA-HJ-NP-Z2-9]+$/)
    expect(generateLocalPassword()).not.toBe(a)
  })
})
