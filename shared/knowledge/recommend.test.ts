import { describe, expect, it } from 'vitest'
import { type RankedEndpoint, recommendedSettings } from './recommend.js'

const e = (over: Partial<RankedEndpoint> & { id: string }): RankedEndpoint & { id: string } => ({
  protocol: 'imap',
  port: 993,
  security: 'implicit-tls',
  verdict: 'good',
  sourceTrusted: true,
  ...over,
})

describe('recommendedSettings', () => {
  it('picks implicit TLS over STARTTLS, IMAP over POP3, and a submission port, never 25', () => {
    const picked = recommendedSettings([
      e({ id: 'mx', protocol: 'smtp', port: 25, security: 'starttls' }),
      e({ id: 'pop', protocol: 'pop3', port: 995 }),
      e({ id: 'imap143', port: 143, security: 'starttls' }),
      e({ id: 'imap993' }),
      e({ id: 'sub587', protocol: 'smtp', port: 587, security: 'starttls' }),
      e({ id: 'sub465', protocol: 'smtp', port: 465 }),
    ])
    expect(picked.incoming?.id).toBe('imap993')
    expect(picked.outgoing?.id).toBe('sub465')
  })

  it('prefers a good verdict and a trustworthy source to the kind of TLS', () => {
    const picked = recommendedSettings([
      e({ id: 'bad993', verdict: 'bad' }),
      e({ id: 'untrusted993', sourceTrusted: false }),
      e({ id: 'good143', port: 143, security: 'starttls' }),
    ])
    expect(picked.incoming?.id).toBe('good143')
  })

  it('never picks a server without encryption or one that did not answer, nor port 25', () => {
    const picked = recommendedSettings([
      e({ id: 'plain', port: 143, security: 'plaintext', verdict: 'bad' }),
      e({ id: 'down', security: 'unreachable', verdict: 'warn' }),
      e({ id: 'mx', protocol: 'smtp', port: 25, security: 'starttls' }),
    ])
    expect(picked).toEqual({ incoming: null, outgoing: null })
  })
})
