// `lab:status` checks for issue 18's servers: the provider answers discovery, and each OAuth mail
// port accepts a fresh token from it and refuses a password.
import type { Lab, LabOAuthServer } from './lab.js'
import { labHttp } from './oauth-http.js'
import { loginWithCode } from './oauth-login.js'
import { imapLogin, type LoginAttempt, type LoginOutcome, pop3Login, smtpLogin } from './oauth-probe.js'
import type { WireTarget } from './oauth-wire.js'

export interface OAuthExpectation {
  server: string
  target: string
  expect: string
  command?: string
  check: () => Promise<{ ok: boolean; detail: string }>
}

async function outcome(run: () => Promise<{ ok: boolean; detail: string }>) {
  try {
    return await run()
  } catch (e) {
    return { ok: false, detail: (e as Error).message }
  }
}

export function oauthExpectations(lab: Lab): OAuthExpectation[] {
  const o = lab.oauth
  let token: Promise<string> | null = null
  const freshToken = () => {
    token ??= loginWithCode({ caPath: o.caPath }).then((t) => t.access_token)
    return token
  }
  const E: OAuthExpectation[] = [
    {
      server: 'oauth-provider',
      target: `${o.provider.address}:${o.provider.port}`,
      expect: 'OpenID discovery names the issuer and the device endpoint',
      command: `curl --cacert ${o.caPath} --resolve ${o.provider.host}:443:${o.provider.address} ${o.discoveryUrl}`,
      check: () =>
        outcome(async () => {
          const res = await labHttp(o.caPath).request(o.discoveryUrl)
          const d = res.json<{ issuer?: string; device_authorization_endpoint?: string }>()
          return {
            ok: d.issuer === o.issuer && d.device_authorization_endpoint === o.endpoints.device,
            detail: `${res.status}, issuer ${d.issuer ?? 'missing'}`,
          }
        }),
    },
  ]
  const ports: [string, LabOAuthServer, typeof imapLogin, boolean][] = [
    ['oauth-imap', o.imap, imapLogin, true],
    ['oauth-imap', o.imap, imapLogin, false],
    ['oauth-pop3', o.pop3, pop3Login, true],
    ['oauth-pop3', o.pop3, pop3Login, false],
    ['oauth-smtp', o.smtp, smtpLogin, true],
    ['oauth-smtp', o.smtp, smtpLogin, false],
  ]
  for (const [server, s, login, tls] of ports) {
    const port = tls ? s.ports.tls : s.ports.starttls
    const target: WireTarget = { host: s.host, address: s.address, port, caPath: o.caPath, implicitTls: tls }
    const attempt = (a: LoginAttempt, want: boolean) =>
      outcome(async () => {
        const r: LoginOutcome = await login(target, a)
        return { ok: r.ok === want, detail: r.final.slice(0, 80) }
      })
    const mode = tls ? 'TLS' : 'STARTTLS'
    E.push(
      {
        server,
        target: `${s.address}:${port}`,
        expect: `${mode}: XOAUTH2 with a fresh token logs in`,
        check: async () =>
          attempt({ kind: 'xoauth2', user: o.user.address, token: await freshToken() }, true),
      },
      {
        server,
        target: `${s.address}:${port}`,
        expect: `${mode}: a password login is refused`,
        check: () => attempt({ kind: 'plain', user: o.user.address, password: o.user.password }, false),
      },
    )
  }
  return E
}
