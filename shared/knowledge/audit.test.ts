import { describe, expect, it } from 'vitest'
import type { EndpointReport } from '../contract/probe.js'
import { auditSettings, thunderbirdSetting } from './audit.js'
import type { ThunderbirdServer } from './thunderbird-prefs.js'

function tb(over: Partial<ThunderbirdServer>): ThunderbirdServer {
  return {
    key: 'server1',
    protocol: 'imap',
    host: 'imap.example.org',
    port: 993,
    portDefaulted: false,
    socketType: 3,
    security: 'implicit-tls',
    label: 'SSL/TLS',
    username: 'alice',
    emails: [],
    ...over,
  }
}

function endpoint(
  port: number,
  security: EndpointReport['security'],
  findings: EndpointReport['findings'] = [],
) {
  return {
    host: 'IMAP.example.org',
    port,
    protocol: port === 587 ? 'smtp' : 'imap',
    security,
    verdict: findings.length ? 'bad' : 'good',
    findings,
    tls: { certificate: { trusted: true, hostnameMatch: true, selfSigned: false, fingerprintSha256: 'AA' } },
  } as unknown as EndpointReport
}

describe('audit of imported Thunderbird settings', () => {
  it('passes a matching SSL/TLS setting and flags STARTTLS on an implicit-TLS port as bad', () => {
    const [ok, wrong] = auditSettings(
      [tb({}), tb({ key: 'server2', socketType: 2, security: 'starttls', label: 'STARTTLS' })].map(
        thunderbirdSetting,
      ),
      [endpoint(993, 'implicit-tls')],
    )
    expect(ok).toMatchObject({ status: 'good', found: 'implicit-tls', problems: [], advice: null })
    expect(wrong).toMatchObject({ status: 'bad' })
    expect(wrong?.problems.map((p) => p.id)).toEqual(['setting.starttls-on-implicit-port'])
    expect(wrong?.advice).toMatch(/"Connection security" to "SSL\/TLS"/)
  })

  it('warns about the old "STARTTLS, if available" and passes on the server’s own problems', () => {
    const expired = [
      { id: 'cert-expired', severity: 'bad' as const, title: 'Expired', detail: 'd', fix: 'f' },
    ]
    const [maybe] = auditSettings(
      [
        thunderbirdSetting(
          tb({
            key: 'smtp1',
            protocol: 'smtp',
            port: 587,
            socketType: 1,
            security: 'starttls-if-available',
            label: 'STARTTLS, if available',
          }),
        ),
      ],
      [endpoint(587, 'starttls', expired)],
    )
    expect(maybe?.status).toBe('bad')
    expect(maybe?.problems.map((p) => p.id)).toEqual(['setting.downgradable', 'cert-expired'])
  })

  it('leaves unchecked what was not probed or what it cannot understand', () => {
    const [notProbed, unknown] = auditSettings(
      [
        tb({ port: 1993 }),
        tb({ key: 'server9', socketType: 7, security: 'unknown', label: 'socketType 7' }),
      ].map(thunderbirdSetting),
      [endpoint(993, 'implicit-tls')],
    )
    expect(notProbed).toMatchObject({ status: 'unchecked', found: null, advice: null })
    expect(unknown).toMatchObject({ status: 'unchecked', found: 'implicit-tls' })
    expect(unknown?.advice).toMatch(/does not know what "socketType 7" means/)
  })
})
