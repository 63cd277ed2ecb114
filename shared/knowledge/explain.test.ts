import { describe, expect, it } from 'vitest'
import { ClientAdvice as ReportClientAdvice } from '../contract/probe.js'
import { MailClientId } from '../contract/schemas.js'
import { CLIENT_IDS, CLIENTS, findClient } from './clients.js'
import {
  adviceFor,
  type EndpointFacts,
  explainEndpoint,
  explainMismatch,
  type SettingMeaning,
} from './explain.js'
import { MAIL_CLIENTS } from './mail-clients.js'

const trustedCert = { trusted: true, hostnameMatch: true, selfSigned: false, fingerprintSha256: 'AA:BB' }
const imaps: EndpointFacts = {
  host: 'imap.example.org',
  port: 993,
  protocol: 'imap',
  security: 'implicit-tls',
  tls: { certificate: trustedCert },
}
const submission: EndpointFacts = {
  host: 'smtp.example.org',
  port: 587,
  protocol: 'smtp',
  security: 'starttls',
  tls: { certificate: trustedCert },
}

function setting(
  mode: SettingMeaning['mode'],
  label: string,
  extra: Partial<SettingMeaning> = {},
): SettingMeaning {
  return { mode, label, downgradable: false, acceptsAnyCertificate: false, ...extra }
}

describe('the client table', () => {
  it('has one profile for every MailClientId, and the renderer’s short table follows it', () => {
    expect(new Set(CLIENT_IDS)).toEqual(new Set(MailClientId.options))
    for (const id of MailClientId.options) {
      expect(CLIENTS[id].id).toBe(id)
      expect(MAIL_CLIENTS[id].name).toBe(CLIENTS[id].name)
      expect(MAIL_CLIENTS[id].implicitTls).toBe(CLIENTS[id].implicitTls)
    }
  })

  it('names for every client where its wording was checked, or says it was not', () => {
    for (const profile of Object.values(CLIENTS)) {
      expect(profile.wording.source.length).toBeGreaterThan(10)
      if (profile.wording.status === 'not-verified') expect(profile.wording.source).toMatch(/not|memory/i)
    }
  })

  it('uses each client’s own labels', () => {
    expect(CLIENTS.thunderbird).toMatchObject({
      field: 'Connection security',
      implicitTls: 'SSL/TLS',
      startTls: 'STARTTLS',
      none: 'None',
    })
    expect(CLIENTS.evolution).toMatchObject({
      field: 'Encryption method',
      implicitTls: 'TLS on a dedicated port',
      startTls: 'STARTTLS after connecting',
      none: 'No encryption',
    })
    expect(CLIENTS.outlook.traps.map((t) => t.label)).toContain('Auto')
    expect(CLIENTS['android-mail'].traps.filter((t) => t.kind === 'any-certificate')).toHaveLength(2)
    expect(CLIENTS['apple-mail'].traps.map((t) => t.label)).toEqual([
      'Automatically manage connection settings',
      'Allow insecure authentication',
    ])
  })

  it('finds a client by the names people type', () => {
    expect(findClient('Thunderbird')?.id).toBe('thunderbird')
    expect(findClient('k9')?.id).toBe('k9-mail')
    expect(findClient('neomutt')?.id).toBe('mutt')
    expect(findClient('gmail')?.id).toBe('android-mail')
    expect(findClient('pine')).toBeNull()
  })
})

describe('explainEndpoint', () => {
  it('tells Thunderbird SSL/TLS for 993 and STARTTLS for 587, with where the setting lives', () => {
    const tb = adviceFor('thunderbird', imaps)
    expect(tb).toMatchObject({ usable: true, choose: 'SSL/TLS', port: 993, certificate: null })
    expect(tb.sentence).toBe(
      'In Thunderbird, for IMAP use server imap.example.org, port 993, and set "Connection security" to "SSL/TLS" (Account Settings → (account) → Server Settings → Security Settings → Connection security).',
    )
    const smtp = adviceFor('thunderbird', submission)
    expect(smtp.choose).toBe('STARTTLS')
    expect(smtp.where).toMatch(/^Account Settings → Outgoing Server \(SMTP\)/)
  })

  it('writes Mutt config lines: imaps:// for implicit TLS, ssl_starttls and ssl_force_tls for STARTTLS', () => {
    expect(adviceFor('mutt', imaps).config).toEqual([
      'set folder = "imaps://imap.example.org:993/"',
      'set ssl_force_tls = yes',
    ])
    expect(adviceFor('mutt', submission).config).toEqual([
      'set smtp_url = "smtp://USER@smtp.example.org:587/"',
      'set ssl_starttls = yes',
      'set ssl_force_tls = yes',
    ])
    expect(adviceFor('mutt', { ...imaps, protocol: 'pop3', port: 995 }).config[0]).toBe(
      'set folder = "pops://imap.example.org:995/"',
    )
  })

  it('says "TLS" means STARTTLS in the old Android apps and warns about accepting all certificates', () => {
    const android = adviceFor('android-mail', submission)
    expect(android.choose).toBe('STARTTLS (older apps: TLS)')
    expect(android.avoid.join(' ')).toMatch(/Accept all certificates.*any certificate/)
  })

  it('names an "if available" trap only where it matters: on a STARTTLS endpoint', () => {
    expect(adviceFor('thunderbird', submission).avoid.join(' ')).toMatch(/^STARTTLS, if available:/)
    expect(adviceFor('thunderbird', imaps).avoid).toEqual([])
    expect(adviceFor('outlook', imaps).avoid.join(' ')).toMatch(/^Auto:/)
  })

  it('sends a client to a submission port rather than port 25', () => {
    const mx = adviceFor('thunderbird', { ...submission, port: 25 })
    expect(mx.sentence).toMatch(/^Port 25 carries mail between servers .* If you must use 25: In Thunderbird/)
  })

  it('refuses to advise a plaintext-only or unreachable endpoint', () => {
    const plain = adviceFor('outlook', { ...imaps, port: 143, security: 'plaintext', tls: null })
    expect(plain).toMatchObject({ usable: false, choose: null })
    expect(plain.sentence).toMatch(/^Do not set up IMAP on imap.example.org:143 in Outlook/)
    expect(adviceFor('evolution', { ...imaps, security: 'unreachable', tls: null }).usable).toBe(false)
  })

  it('gives the fingerprint to compare for a self-signed certificate, and refuses a wrong-host one', () => {
    const selfSigned = {
      ...imaps,
      tls: { certificate: { ...trustedCert, trusted: false, selfSigned: true } },
    }
    expect(adviceFor('thunderbird', selfSigned).certificate).toMatch(/Add Security Exception.*AA:BB/)
    const wrongHost = { ...imaps, tls: { certificate: { ...trustedCert, hostnameMatch: false } } }
    expect(adviceFor('thunderbird', wrongHost).certificate).toMatch(
      /not for imap.example.org: do not accept it/,
    )
  })

  it('returns every client in the report’s ClientAdvice shape', () => {
    const all = explainEndpoint(imaps)
    expect(Object.keys(all).sort()).toEqual([...MailClientId.options].sort())
    for (const advice of Object.values(all)) expect(() => ReportClientAdvice.parse(advice)).not.toThrow()
    expect(all['outlook-new'].checked).toMatch(/^Wording not verified against the client/)
    expect(all.evolution.checked).not.toMatch(/not verified/)
  })
})

describe('explainMismatch', () => {
  it('explains STARTTLS chosen on 993 (the connection hangs) and says what to pick instead', () => {
    const [m, ...rest] = explainMismatch(setting('starttls', 'STARTTLS'), imaps, 'thunderbird')
    expect(rest).toEqual([])
    expect(m).toMatchObject({ id: 'setting.starttls-on-implicit-port', severity: 'bad' })
    expect(m?.detail).toMatch(/waits for a plaintext greeting/)
    expect(m?.fix).toMatch(/"Connection security" to "SSL\/TLS"/)
  })

  it('explains SSL chosen on 587 (wrong version number)', () => {
    const [m] = explainMismatch(setting('implicit-tls', 'SSL'), submission, 'android-mail')
    expect(m).toMatchObject({ id: 'setting.implicit-on-starttls-port', severity: 'bad' })
    expect(m?.detail).toMatch(/wrong version number/)
  })

  it('warns that Auto and "if available" can be downgraded, and that accepting all certificates is bad', () => {
    expect(
      explainMismatch(setting('auto', 'Auto', { downgradable: true }), submission, 'outlook').map(
        (m) => m.id,
      ),
    ).toEqual(['setting.downgradable'])
    const any = explainMismatch(
      setting('starttls', 'STARTTLS (Accept all certificates)', { acceptsAnyCertificate: true }),
      submission,
      'android-mail',
    )
    expect(any.map((m) => [m.id, m.severity])).toEqual([['setting.accepts-any-certificate', 'bad']])
  })

  it('lets a by-port switch (Apple) pass on standard ports and flags it on others', () => {
    expect(explainMismatch(setting('by-port', 'Use TLS/SSL'), imaps, 'apple-mail')).toEqual([])
    expect(explainMismatch(setting('by-port', 'Use TLS/SSL'), submission, 'apple-mail')).toEqual([])
    const odd = explainMismatch(setting('by-port', 'Use TLS/SSL'), { ...imaps, port: 10993 }, 'apple-mail')
    expect(odd.map((m) => m.id)).toEqual(['setting.by-port-unusual'])
  })

  it('finds nothing wrong with a matching safe setting, and calls a plaintext choice bad', () => {
    expect(explainMismatch(setting('implicit-tls', 'SSL/TLS'), imaps)).toEqual([])
    expect(explainMismatch(setting('plaintext', 'None'), submission).map((m) => m.id)).toEqual([
      'setting.no-encryption-chosen',
    ])
    expect(
      explainMismatch(setting('implicit-tls', 'SSL/TLS'), { ...imaps, security: 'plaintext' }).map(
        (m) => m.id,
      ),
    ).toEqual(['setting.server-offers-no-tls'])
  })
})
