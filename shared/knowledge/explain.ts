// The explainer: for one probed endpoint, what to choose in each client (exact label, where it
// lives, what to avoid), and for a setting the user already has, what is wrong with it and why.
// Pure: it reads facts the probe found and the client table in clients.ts, nothing else.
import {
  type MailProtocol,
  PROTOCOL_WORDS,
  type Severity,
  securityOfPort,
  type TlsSecurity,
} from '../contract/mail.js'
import type { ProbeSecurity, ClientAdvice as ReportClientAdvice } from '../contract/probe.js'
import type { ClientSecurityMeaning } from '../contract/probe-target.js'
import type { MailClientId } from '../contract/schemas.js'
import { CLIENT_IDS, CLIENTS, type ClientProfile, type WordingCheck } from './clients.js'

export type EndpointSecurity = ProbeSecurity

/** The facts of one endpoint the explainer needs (a subset of the probe report's endpoint). */
export interface EndpointFacts {
  host: string
  port: number
  protocol: MailProtocol
  security: EndpointSecurity
  tls?: {
    certificate?: {
      trusted: boolean
      hostnameMatch: boolean
      selfSigned: boolean
      fingerprintSha256: string
    } | null
  } | null
}

export interface ClientAdvice {
  client: MailClientId
  clientName: string
  /** false: this endpoint should not be set up in any client (plaintext only, unreachable). */
  usable: boolean
  /** The label (or config line) to choose; null when the endpoint is not usable. */
  choose: string | null
  field: string
  where: string
  host: string
  port: number
  /** One sentence a person can follow: "In Thunderbird, set Connection security to SSL/TLS…". */
  sentence: string
  /** Configuration lines, for clients set up in a file (Mutt). */
  config: string[]
  /** The client's choices not to make here, each with why. */
  avoid: string[]
  /** What to do about a certificate the client will not trust; null when it is trusted. */
  certificate: string | null
  notes: string[]
  wording: WordingCheck
}

function where(profile: ClientProfile, protocol: MailProtocol): string {
  return protocol === 'smtp' ? profile.whereOutgoing : profile.whereIncoming
}

function muttUrl(endpoint: EndpointFacts): string {
  const implicit = endpoint.security === 'implicit-tls'
  const scheme = { imap: 'imap', pop3: 'pop', smtp: 'smtp' }[endpoint.protocol] + (implicit ? 's' : '')
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host
  return `${scheme}://${endpoint.protocol === 'smtp' ? 'USER@' : ''}${host}:${endpoint.port}/`
}

function muttConfig(endpoint: EndpointFacts): string[] {
  const variable = endpoint.protocol === 'smtp' ? 'smtp_url' : 'folder'
  const lines = [`set ${variable} = "${muttUrl(endpoint)}"`]
  if (endpoint.security === 'starttls') lines.push('set ssl_starttls = yes')
  lines.push('set ssl_force_tls = yes')
  return lines
}

function certificateAdvice(profile: ClientProfile, endpoint: EndpointFacts): string | null {
  const cert = endpoint.tls?.certificate
  if (!cert || (cert.trusted && cert.hostnameMatch)) return null
  if (!cert.hostnameMatch)
    return `The certificate is not for ${endpoint.host}: do not accept it in ${profile.name}; use the host name the certificate names, or ask the provider to fix it.`
  if (cert.selfSigned)
    return `${profile.untrustedCertificate} Expected SHA-256 fingerprint: ${cert.fingerprintSha256}.`
  return `${profile.name} will not trust this certificate (it does not chain to a trusted authority). ${profile.untrustedCertificate} Expected SHA-256 fingerprint: ${cert.fingerprintSha256}.`
}

function label(profile: ClientProfile, security: TlsSecurity): string | null {
  return security === 'implicit-tls' ? profile.implicitTls : profile.startTls
}

/** What to choose in one client for one endpoint. */
export function adviceFor(clientId: MailClientId, endpoint: EndpointFacts): ClientAdvice {
  const profile = CLIENTS[clientId]
  const base = {
    client: profile.id,
    clientName: profile.name,
    field: profile.field,
    where: where(profile, endpoint.protocol),
    host: endpoint.host,
    port: endpoint.port,
    notes: [...profile.notes],
    wording: profile.wording,
  }
  const proto = PROTOCOL_WORDS[endpoint.protocol]
  if (endpoint.security === 'unreachable' || endpoint.security === 'plaintext') {
    return {
      ...base,
      usable: false,
      choose: null,
      sentence:
        endpoint.security === 'plaintext'
          ? `Do not set up ${proto} on ${endpoint.host}:${endpoint.port} in ${profile.name}: it offers no encryption, so the password and every message would cross the network readable. Use an encrypted port of this server, or ask the provider for one.`
          : `${endpoint.host}:${endpoint.port} could not be reached, so there is nothing to set up in ${profile.name} for it.`,
      config: [],
      avoid: [],
      certificate: null,
    }
  }
  const choose = label(profile, endpoint.security)
  const avoid = profile.traps
    .filter((t) => !t.only || t.only === endpoint.security)
    .map((t) => `${t.label}: ${t.risk}`)
  if (choose === null) {
    return {
      ...base,
      usable: false,
      choose: null,
      sentence: `${profile.name} has no STARTTLS choice; use the server's implicit-TLS port instead.`,
      config: [],
      avoid,
      certificate: null,
    }
  }
  const config = profile.id === 'mutt' ? muttConfig(endpoint) : []
  const relay =
    endpoint.protocol === 'smtp' && endpoint.port === 25
      ? `Port 25 carries mail between servers (MX) and is often blocked for clients; to send from ${profile.name} use the server's submission port (465, or 587 with STARTTLS) instead. If you must use 25: `
      : ''
  const sentence =
    relay +
    (profile.id === 'mutt'
      ? `In ${profile.name}, for ${proto} on ${endpoint.host}:${endpoint.port}, put ${config.map((c) => `\`${c}\``).join(', ')} in ${base.where}.`
      : `In ${profile.name}, for ${proto} use server ${endpoint.host}, port ${endpoint.port}, and set "${profile.field}" to "${choose}" (${base.where}).`)
  return {
    ...base,
    usable: true,
    choose,
    sentence,
    config,
    avoid,
    certificate: certificateAdvice(profile, endpoint),
  }
}

/** The advice in the report's shape (shared/contract/probe.ts ClientAdvice): sentences first. */
export function toReportAdvice(advice: ClientAdvice): ReportClientAdvice {
  const notes = [advice.sentence, ...advice.config]
  if (advice.certificate) notes.push(advice.certificate)
  for (const trap of advice.avoid) notes.push(`Avoid ${trap}`)
  notes.push(...advice.notes)
  return {
    client: advice.client,
    name: advice.clientName,
    choose: advice.choose,
    where: advice.where,
    port: advice.port,
    notes,
    checked:
      advice.wording.status === 'checked'
        ? advice.wording.source
        : `Wording not verified against the client. ${advice.wording.source}`,
  }
}

/** Advice for every known client, keyed by client id, in the report's shape (its `clients`). */
export function explainEndpoint(endpoint: EndpointFacts): Record<MailClientId, ReportClientAdvice> {
  return Object.fromEntries(CLIENT_IDS.map((id) => [id, toReportAdvice(adviceFor(id, endpoint))])) as Record<
    MailClientId,
    ReportClientAdvice
  >
}

// ---- Mismatches: a setting the user has, against what the server does ----

/** A client setting as understood (the shape of the contract's ClientSecurityMeaning). */
export interface SettingMeaning {
  mode: ClientSecurityMeaning['mode']
  downgradable: boolean
  acceptsAnyCertificate: boolean
  label: string
}

export interface Mismatch {
  id: MismatchId
  severity: Severity
  title: string
  detail: string
  fix: string
}

export type MismatchId =
  | 'setting.starttls-on-implicit-port'
  | 'setting.implicit-on-starttls-port'
  | 'setting.no-encryption-chosen'
  | 'setting.downgradable'
  | 'setting.accepts-any-certificate'
  | 'setting.by-port-unusual'
  | 'setting.server-offers-no-tls'
  | 'setting.unreachable'

/** What Apple's port-deciding switch does on this port; null when the port is not a standard one. */
const byPortMode = securityOfPort

function right(profile: ClientProfile, endpoint: EndpointFacts): string {
  const advice = adviceFor(profile.id, endpoint)
  return advice.usable ? advice.sentence : 'Use an encrypted port of this server.'
}

/**
 * Everything wrong with `setting` (as the user's client is set) against what the probe found on
 * that endpoint. Empty: the setting matches and is safe.
 */
export function explainMismatch(
  setting: SettingMeaning,
  endpoint: EndpointFacts,
  clientId: MailClientId = 'generic',
): Mismatch[] {
  const profile = CLIENTS[clientId]
  const at = `${endpoint.host}:${endpoint.port}`
  const out: Mismatch[] = []
  if (endpoint.security === 'unreachable') {
    out.push({
      id: 'setting.unreachable',
      severity: 'warn',
      title: `${at} did not answer`,
      detail: `Your client is set to ${at}, but the probe could not reach it, so the setting could not be checked.`,
      fix: 'Check the host name and port, or probe again from the network the client uses.',
    })
    return out
  }
  if (endpoint.security === 'plaintext') {
    out.push({
      id: 'setting.server-offers-no-tls',
      severity: 'bad',
      title: `${at} offers no encryption`,
      detail: `Whatever "${setting.label}" says, this server only speaks plaintext here: the password and messages cross the network readable.`,
      fix: 'Use an encrypted port of this server, or ask the provider to enable TLS.',
    })
    return out
  }
  const mode = setting.mode === 'by-port' ? byPortMode(endpoint.port) : setting.mode
  if (setting.mode === 'by-port' && mode === null)
    out.push({
      id: 'setting.by-port-unusual',
      severity: 'warn',
      title: `"${setting.label}" on a non-standard port`,
      detail: `"${setting.label}" lets the client choose implicit TLS or STARTTLS from the port, and ${endpoint.port} is not a standard one, so what it does here cannot be known in advance.`,
      fix: `Use the standard port for this server's ${endpoint.security === 'implicit-tls' ? 'implicit TLS' : 'STARTTLS'} (${right(profile, endpoint)}).`,
    })
  if (mode === 'starttls' && endpoint.security === 'implicit-tls')
    out.push({
      id: 'setting.starttls-on-implicit-port',
      severity: 'bad',
      title: `STARTTLS chosen on an implicit-TLS port (${endpoint.port})`,
      detail: `${at} starts TLS immediately and says nothing until the client's TLS hello, while a client set to "${setting.label}" waits for a plaintext greeting: the connection hangs until it times out ("server not responding").`,
      fix: right(profile, endpoint),
    })
  if (mode === 'implicit-tls' && endpoint.security === 'starttls')
    out.push({
      id: 'setting.implicit-on-starttls-port',
      severity: 'bad',
      title: `Implicit TLS ("SSL") chosen on a STARTTLS port (${endpoint.port})`,
      detail: `${at} greets in plaintext and upgrades only when asked, while a client set to "${setting.label}" opens with a TLS hello: the server's plaintext greeting arrives where TLS was expected ("wrong version number", "SSL error").`,
      fix: right(profile, endpoint),
    })
  if (mode === 'plaintext')
    out.push({
      id: 'setting.no-encryption-chosen',
      severity: 'bad',
      title: 'The client is set to no encryption',
      detail: `With "${setting.label}" the client never asks for TLS, so the password crosses the network readable even though ${at} offers ${endpoint.security === 'implicit-tls' ? 'implicit TLS' : 'STARTTLS'}.`,
      fix: right(profile, endpoint),
    })
  if (setting.downgradable || mode === 'auto')
    out.push({
      id: 'setting.downgradable',
      severity: 'warn',
      title: `"${setting.label}" can be silently downgraded`,
      detail:
        '"Auto" and "if available" settings continue without TLS when the server seems not to offer it, and a network attacker can remove the STARTTLS offer (or block the TLS port) to make it seem so: the client then sends the password in plaintext without a warning.',
      fix: right(profile, endpoint),
    })
  if (setting.acceptsAnyCertificate)
    out.push({
      id: 'setting.accepts-any-certificate',
      severity: 'bad',
      title: `"${setting.label}" accepts any certificate`,
      detail:
        'A client that accepts every certificate cannot tell the real server from an interceptor on the same Wi-Fi, which then reads the password.',
      fix: `Choose the variant without "accept all certificates". ${right(profile, endpoint)}`,
    })
  return out
}

// ---- Why the words differ ----

/** Why "TLS" means STARTTLS in one client and "SSL" means implicit TLS in another. */
export const SECURITY_WORDS_EXPLAINED = {
  title: 'Why "SSL", "TLS" and "STARTTLS" mean different things in different clients',
  paragraphs: [
    'There are two ways to encrypt a mail connection. Implicit TLS starts encryption the moment the connection opens, on its own port (993 for IMAP, 995 for POP3, 465 for SMTP submission). STARTTLS connects in plaintext on the ordinary port (143, 110, 587, or 25 between servers) and upgrades when the client asks. Both end in the same TLS encryption; they differ in how it starts.',
    'When these ports were introduced, the encryption was called SSL, so clients labelled the dedicated-port method "SSL". The upgrade method came later, together with the name TLS, so several clients (older Android mail apps, older Outlook) labelled STARTTLS "TLS". Both names stuck, although "SSL" itself has been obsolete for years and both methods use TLS today.',
    'Newer clients say what they mean: Thunderbird and K-9 offer "SSL/TLS" (implicit) and "STARTTLS"; Evolution says "TLS on a dedicated port" and "STARTTLS after connecting". Apple Mail has a single "Use TLS/SSL" switch and lets the port decide which method it uses.',
    'RFC 8314 (2018) recommends implicit TLS for mail clients: there is no plaintext moment an attacker can tamper with. STARTTLS is safe only when the client insists on it; "Auto" or "if available" lets an attacker strip the offer and read the password.',
  ],
} as const
