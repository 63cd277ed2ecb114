// The presets are data the UI and the engine trust: check them for what would break a sign-in.
import { describe, expect, it } from 'vitest'
import { OAuthProviderInfo } from '../contract/oauth.js'
import { OAUTH_PROVIDER_IDS, OAuthAccount } from '../contract/oauth-account.js'
import { OAUTH_PROVIDERS, withTenant } from './oauth-providers.js'

describe('OAuth provider presets', () => {
  it('has one preset per provider id, each valid for the contract', () => {
    expect(Object.keys(OAUTH_PROVIDERS).sort()).toEqual([...OAUTH_PROVIDER_IDS].sort())
    for (const [id, preset] of Object.entries(OAUTH_PROVIDERS)) {
      expect(preset.id).toBe(id)
      const { authorizationParams: _, ...info } = preset
      expect(
        OAuthProviderInfo.safeParse({
          ...info,
          scopes: [...info.scopes],
          flows: [...info.flows],
          notes: [...info.notes],
        }).success,
      ).toBe(true)
      expect(preset.registration.url).toMatch(/^https:\/\//)
    }
  })

  it('uses https endpoints only, and a device endpoint wherever the device flow is offered', () => {
    for (const preset of Object.values(OAUTH_PROVIDERS)) {
      for (const url of Object.values(preset.endpoints ?? {})) if (url) expect(url).toMatch(/^https:\/\//)
      if (preset.endpoints && preset.flows.includes('device'))
        expect(preset.endpoints.deviceAuthorization).not.toBeNull()
    }
  })

  it('Microsoft: the four mail scopes, both flows, the tenant filled in', () => {
    const ms = OAUTH_PROVIDERS.microsoft
    expect(ms.scopes).toEqual([
      'https://outlook.office.com/IMAP.AccessAsUser.All',
      'https://outlook.office.com/POP.AccessAsUser.All',
      'https://outlook.office.com/SMTP.Send',
      'offline_access',
    ])
    expect(ms.flows).toEqual(['browser', 'device'])
    expect(ms.needsClientSecret).toBe(false)
    expect(withTenant(ms.endpoints?.token ?? '', 'organizations')).toBe(
      'https://login.microsoftonline.com/organizations/oauth2/v2.0/token',
    )
    expect(withTenant(ms.endpoints?.token ?? '', null)).toContain('/common/')
  })

  it('Google: the mail scope, browser only (its device flow refuses the mail scope), a client secret', () => {
    const g = OAUTH_PROVIDERS.google
    expect(g.scopes).toEqual(['https://mail.google.com/'])
    expect(g.flows).toEqual(['browser'])
    expect(g.endpoints?.deviceAuthorization).toBeNull()
    expect(g.needsClientSecret).toBe(true)
    expect(g.notes.join(' ')).toMatch(/device flow does not allow the mail scope/)
  })

  it('Fastmail says honestly that it has no public client registration', () => {
    expect(OAUTH_PROVIDERS.fastmail.flows).toEqual([])
    expect(OAUTH_PROVIDERS.fastmail.registration.text).toMatch(/app password/)
  })

  it('an account of the custom provider needs an issuer or endpoints', () => {
    const base = { id: 'x', provider: 'custom', address: 'a@b.example', clientId: 'c' }
    expect(OAuthAccount.safeParse(base).success).toBe(false)
    expect(OAuthAccount.safeParse({ ...base, issuer: 'https://auth.example' }).success).toBe(true)
    expect(OAuthAccount.safeParse({ ...base, issuer: 'http://auth.example' }).success).toBe(false)
  })
})
