// What the lab state says about issue 18's servers (getLab().oauth).
import path from 'node:path'
import type { LabOAuth } from './lab.js'
import {
  ACCESS_TTL,
  CLIENT,
  DOVECOT_CLIENT_SECRET,
  ENDPOINTS,
  ISSUER,
  LOOPBACK_REDIRECT,
  MAIL_SCOPE,
  OAUTH_USER,
  SCOPES,
} from './oauth-provider/settings.js'
import { ADDR, HOST, PORT } from './topology.js'

export function describeOAuth(caPath: string, home: string): LabOAuth {
  const mailServer = (key: 'oauthImap' | 'oauthSmtp', starttls: number, tls: number) => ({
    host: HOST[key],
    address: ADDR[key],
    ports: { starttls, tls },
  })
  return {
    issuer: ISSUER,
    discoveryUrl: ENDPOINTS.discovery,
    provider: { host: HOST.oauthProvider, address: ADDR.oauthProvider, port: PORT.https },
    endpoints: {
      authorization: ENDPOINTS.authorization,
      token: ENDPOINTS.token,
      device: ENDPOINTS.device,
      verification: ENDPOINTS.verification,
      revocation: ENDPOINTS.revocation,
      introspection: ENDPOINTS.introspection,
      userinfo: ENDPOINTS.userinfo,
    },
    scopes: [...SCOPES],
    mailScope: MAIL_SCOPE,
    clients: {
      main: { clientId: CLIENT.main, redirectUri: LOOPBACK_REDIRECT, accessTokenSeconds: ACCESS_TTL.normal },
      short: { clientId: CLIENT.short, redirectUri: LOOPBACK_REDIRECT, accessTokenSeconds: ACCESS_TTL.short },
      dovecot: { clientId: CLIENT.dovecot, clientSecret: DOVECOT_CLIENT_SECRET },
    },
    user: { address: OAUTH_USER.address, password: OAUTH_USER.password },
    mechanisms: ['XOAUTH2', 'OAUTHBEARER'],
    imap: mailServer('oauthImap', PORT.imap, PORT.imaps),
    pop3: mailServer('oauthImap', PORT.pop3, PORT.pop3s),
    smtp: mailServer('oauthSmtp', PORT.submission, PORT.submissions),
    maildir: path.join(home, 'Maildir'),
    caPath,
  }
}
