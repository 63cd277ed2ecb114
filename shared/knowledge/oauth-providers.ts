// The OAuth 2.0 providers Mailwarden knows, as data: endpoints, scopes, the SASL mechanism, which
// flows work for mail, whether a client secret is demanded, where a user gets a client id, and the
// provider's mail servers. `{tenant}` in a Microsoft URL is replaced by the account's tenant.
//
// Sources (read December 2026):
// - Microsoft: learn.microsoft.com "Authenticate an IMAP, POP or SMTP connection using OAuth"
//   (scopes IMAP.AccessAsUser.All, POP.AccessAsUser.All, SMTP.Send under https://outlook.office.com/,
//   offline_access; authorization code and device authorization grant both listed). The Microsoft
//   identity platform has no RFC 7009 revocation endpoint (sign-out or an admin revokes sessions).
//   learn.microsoft.com/entra/identity-platform/reply-url (loopback redirect URIs, AADSTS50011).
// - Google: developers.google.com/workspace/gmail/imap/xoauth2-protocol (scope https://mail.google.com/,
//   XOAUTH2); developers.google.com/identity/protocols/oauth2/limited-input-device (the device flow
//   allows only a limited list of scopes, which does not include the mail scope);
//   developers.google.com/identity/protocols/oauth2/native-app (desktop clients get a client secret
//   that is sent to the token endpoint although it is not secret; access_type=offline for a refresh token).
// - Yahoo/AOL: senders.yahooinc.com/developer/documentation (OAUTHBEARER and XOAUTH2 on IMAP/SMTP;
//   one identity infrastructure, separate client credentials per namespace; mail scope access is
//   granted only after Yahoo reviews a request form).
// - Fastmail: no public client registration for IMAP/SMTP OAuth is documented; Fastmail lists OAuth
//   for the apps it has approved, and app passwords for every other client.
import type { OAuthMechanism, OAuthProviderId } from '../contract/oauth-account.js'

export type OAuthFlow = 'browser' | 'device'

export interface OAuthMailHost {
  host: string
  port: number
  security: 'implicit-tls' | 'starttls'
}

export interface OAuthProviderPreset {
  id: OAuthProviderId
  name: string
  /** null: the endpoints come from the account (custom) or are not public (fastmail). */
  endpoints: {
    authorization: string
    token: string
    deviceAuthorization: string | null
    revocation: string | null
  } | null
  /** Scopes for IMAP, POP3 and SMTP together, plus what gives a refresh token. */
  scopes: readonly string[]
  /** Extra authorization request parameters the provider needs for a refresh token. */
  authorizationParams: Readonly<Record<string, string>>
  mechanism: OAuthMechanism
  /** Flows that can obtain a mail-capable token; empty when the provider issues no clients to users. */
  flows: readonly OAuthFlow[]
  /** The token endpoint refuses a client without its secret (it goes to the keychain). */
  needsClientSecret: boolean
  /** The tenant used when the account gives none (Microsoft only). */
  defaultTenant: string | null
  registration: { url: string; text: string /** The link's words: what the page is. */; link: string }
  /** Honest notes the UI shows beside the preset (limits, reviews, what does not work). */
  notes: readonly string[]
  mail: { imap: OAuthMailHost | null; pop3: OAuthMailHost | null; smtp: OAuthMailHost | null }
}

const MS = 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0'

export const OAUTH_PROVIDERS: Readonly<Record<OAuthProviderId, OAuthProviderPreset>> = {
  microsoft: {
    id: 'microsoft',
    name: 'Microsoft 365 / Outlook.com',
    endpoints: {
      authorization: `${MS}/authorize`,
      token: `${MS}/token`,
      deviceAuthorization: `${MS}/devicecode`,
      revocation: null,
    },
    scopes: [
      'https://outlook.office.com/IMAP.AccessAsUser.All',
      'https://outlook.office.com/POP.AccessAsUser.All',
      'https://outlook.office.com/SMTP.Send',
      'offline_access',
    ],
    authorizationParams: {},
    mechanism: 'xoauth2',
    flows: ['browser', 'device'],
    needsClientSecret: false,
    defaultTenant: 'common',
    registration: {
      url: 'https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade',
      link: 'Open the app registrations in Microsoft Entra',
      text: 'Register an app in Microsoft Entra (App registrations), add the platform "Mobile and desktop applications" with the custom redirect URI http://127.0.0.1/callback (the port of a loopback redirect is not compared), allow public client flows for the device code, and add the delegated IMAP, POP and SMTP permissions of Office 365 Exchange Online.',
    },
    notes: [
      'Tenant: common (any account), organizations (work or school only), consumers (Outlook.com only), or your tenant id or domain.',
      'A work tenant may need an administrator to consent to the app (AADSTS65001) and to enable IMAP, POP or SMTP AUTH for the mailbox.',
      'Microsoft has no token revocation endpoint: signing out here deletes the refresh token; revoke sessions in the account portal if it was exposed.',
    ],
    mail: {
      imap: { host: 'outlook.office365.com', port: 993, security: 'implicit-tls' },
      pop3: { host: 'outlook.office365.com', port: 995, security: 'implicit-tls' },
      smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
    },
  },
  google: {
    id: 'google',
    name: 'Google (Gmail, Google Workspace)',
    endpoints: {
      authorization: 'https://accounts.google.com/o/oauth2/v2/auth',
      token: 'https://oauth2.googleapis.com/token',
      deviceAuthorization: null,
      revocation: 'https://oauth2.googleapis.com/revoke',
    },
    scopes: ['https://mail.google.com/'],
    authorizationParams: { access_type: 'offline', prompt: 'consent' },
    mechanism: 'xoauth2',
    flows: ['browser'],
    needsClientSecret: true,
    defaultTenant: null,
    registration: {
      url: 'https://console.cloud.google.com/apis/credentials',
      link: 'Open the credentials page of Google Cloud',
      text: 'In Google Cloud, create an OAuth client of type "Desktop app", configure the consent screen with the scope https://mail.google.com/ and add yourself as a test user; copy the client id and the client secret.',
    },
    notes: [
      'Google’s device flow does not allow the mail scope: sign in with the browser (from another machine, open the URL printed by the CLI).',
      'A desktop client has a client secret that Google requires at the token endpoint; it is kept in the keychain.',
      'While the consent screen is in "Testing", Google expires refresh tokens after 7 days; publish it (or use an internal Workspace app) for lasting access.',
    ],
    mail: {
      imap: { host: 'imap.gmail.com', port: 993, security: 'implicit-tls' },
      pop3: { host: 'pop.gmail.com', port: 995, security: 'implicit-tls' },
      smtp: { host: 'smtp.gmail.com', port: 465, security: 'implicit-tls' },
    },
  },
  yahoo: {
    id: 'yahoo',
    name: 'Yahoo Mail',
    endpoints: {
      authorization: 'https://api.login.yahoo.com/oauth2/request_auth',
      token: 'https://api.login.yahoo.com/oauth2/get_token',
      deviceAuthorization: null,
      revocation: null,
    },
    scopes: ['mail-w'],
    authorizationParams: {},
    mechanism: 'xoauth2',
    flows: ['browser'],
    needsClientSecret: true,
    defaultTenant: null,
    registration: {
      url: 'https://senders.yahooinc.com/developer/developer-access-mail-form/',
      link: 'Open Yahoo’s request form for mail access',
      text: 'Yahoo grants the mail scope only to apps it has reviewed: request IMAP access with this form, then create the app at developer.yahoo.com/apps with its client id and secret.',
    },
    notes: [
      'Yahoo issues mail-capable clients only to vetted apps; for a personal client an app password is usually the practical way.',
    ],
    mail: {
      imap: { host: 'imap.mail.yahoo.com', port: 993, security: 'implicit-tls' },
      pop3: { host: 'pop.mail.yahoo.com', port: 995, security: 'implicit-tls' },
      smtp: { host: 'smtp.mail.yahoo.com', port: 465, security: 'implicit-tls' },
    },
  },
  aol: {
    id: 'aol',
    name: 'AOL Mail',
    endpoints: {
      authorization: 'https://api.login.aol.com/oauth2/request_auth',
      token: 'https://api.login.aol.com/oauth2/get_token',
      deviceAuthorization: null,
      revocation: null,
    },
    scopes: ['mail-w'],
    authorizationParams: {},
    mechanism: 'xoauth2',
    flows: ['browser'],
    needsClientSecret: true,
    defaultTenant: null,
    registration: {
      url: 'https://senders.yahooinc.com/developer/developer-access-mail-form/',
      link: 'Open Yahoo’s request form for mail access',
      text: 'AOL shares Yahoo’s sign-in but needs its own client credentials, granted after the same review of a request form.',
    },
    notes: [
      'AOL issues mail-capable clients only to vetted apps; an app password is usually the practical way.',
    ],
    mail: {
      imap: { host: 'imap.aol.com', port: 993, security: 'implicit-tls' },
      pop3: { host: 'pop.aol.com', port: 995, security: 'implicit-tls' },
      smtp: { host: 'smtp.aol.com', port: 465, security: 'implicit-tls' },
    },
  },
  fastmail: {
    id: 'fastmail',
    name: 'Fastmail',
    endpoints: null,
    scopes: [],
    authorizationParams: {},
    mechanism: 'xoauth2',
    flows: [],
    needsClientSecret: false,
    defaultTenant: null,
    registration: {
      url: 'https://www.fastmail.help/hc/en-us/articles/360058752854-App-passwords',
      link: 'Read how to make a Fastmail app password',
      text: 'Fastmail does not document a client registration for IMAP/SMTP OAuth; it supports OAuth only for apps it has approved, so use an app password (the tunnel passes it through) or, if Fastmail gave you a client, the custom provider.',
    },
    notes: ['No public OAuth client registration: use an app password with a plain tunnel.'],
    mail: {
      imap: { host: 'imap.fastmail.com', port: 993, security: 'implicit-tls' },
      pop3: { host: 'pop.fastmail.com', port: 995, security: 'implicit-tls' },
      smtp: { host: 'smtp.fastmail.com', port: 465, security: 'implicit-tls' },
    },
  },
  custom: {
    id: 'custom',
    name: 'Other (issuer discovery or explicit endpoints)',
    endpoints: null,
    scopes: ['offline_access'],
    authorizationParams: {},
    mechanism: 'oauthbearer',
    flows: ['browser', 'device'],
    needsClientSecret: false,
    defaultTenant: null,
    registration: {
      url: 'https://www.rfc-editor.org/rfc/rfc8252',
      link: 'Read what such a client needs (RFC 8252)',
      text: 'Ask the provider’s administrator for a native (public) client that allows a loopback redirect on any port and PKCE, and for the scopes its mail servers accept.',
    },
    notes: [
      'With an issuer, the endpoints are read from its metadata (OpenID Connect discovery, else RFC 8414).',
      'The device flow works only when the metadata (or the endpoints given) names a device authorization endpoint.',
    ],
    mail: { imap: null, pop3: null, smtp: null },
  },
}

/** A Microsoft URL with the tenant filled in; other URLs as they are. */
export function withTenant(url: string, tenant: string | null): string {
  return url.replace('{tenant}', encodeURIComponent(tenant ?? 'common'))
}
