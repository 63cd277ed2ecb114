// From what the prober saw to findings and a verdict, RFC 8314 as the yardstick. Pure: the unit
// tests pin every rule of issue 6 here, apart from any socket.
//   good: TLS that cannot be skipped (implicit, or STARTTLS with no login before it), a trusted
//         certificate for the name, TLS 1.2 or newer only (a STARTTLS port gets an info that
//         implicit TLS is preferred);
//   bad:  a password accepted before TLS, plaintext only, an untrusted, expired or wrong-host
//         certificate, PREAUTH, injection, a broken dialogue;
//   warn: TLS 1.0/1.1 (only or also), self-signed (pinnable), a downgradable client setting.
import type { MailProtocol } from '../../shared/contract/mail.js'
import { IMPLICIT_TLS_PORTS, type Verdict } from '../../shared/contract/mail.js'
import type { ProbeFinding, TlsVersion } from '../../shared/contract/probe.js'
import { type ProbeFindingId, probeFinding } from '../../shared/knowledge/probe-findings.js'
import type { Capabilities } from '../net/dialogues/index.js'
import type { FailureKind, Observation } from './endpoint/observation.js'
import {
  EXPIRY_WARNING_DAYS,
  MAX_CERT_NAMES_CHARS,
  MAX_LOST_CAPABILITIES_LISTED,
  MIN_EC_BITS,
  MIN_RSA_BITS,
} from './limits.js'

/** Mechanisms that carry the password (or a bearer token) itself: as bad as LOGIN in the clear. */
const CLEARTEXT_MECHANISMS = new Set(['PLAIN', 'LOGIN', 'XOAUTH2', 'OAUTHBEARER', 'XOAUTH'])

const FAILURE_FINDINGS: Record<Exclude<FailureKind, 'connect-timeout'>, ProbeFindingId> = {
  dns: 'dns-failed',
  refused: 'connection-refused',
  unreachable: 'host-unreachable',
  'no-greeting': 'no-greeting',
  'slow-reply': 'slow-reply',
  'endless-line': 'endless-line',
  'too-much-data': 'too-much-data',
  'not-mail-protocol': 'not-mail-protocol',
  'tls-first': 'tls-alert-instead-of-greeting',
  reset: 'connection-reset',
  closed: 'connection-closed',
  busy: 'server-busy',
  'session-refused': 'session-refused',
  'protocol-error': 'protocol-error',
  'starttls-refused': 'starttls-refused',
  injection: 'starttls-injection',
  'tls-failed': 'tls-handshake-failed',
  'tls-timeout': 'tls-handshake-timeout',
}

export interface LoginMethod {
  /** As the report lists it: "LOGIN", "AUTH=PLAIN" (IMAP), "USER", "SASL PLAIN" (POP3), "AUTH PLAIN" (SMTP). */
  label: string
  /** The password (or token) itself would cross the network. */
  cleartext: boolean
  /** POP3 USER: advertised, its acceptance not tested. */
  pop3User: boolean
}

/** The login methods a capability list offers, in the protocol's words. */
export function loginMethods(protocol: MailProtocol, caps: Capabilities): LoginMethod[] {
  if (!caps.known) return []
  const methods: LoginMethod[] = []
  if (protocol === 'imap' && !caps.loginDisabled)
    methods.push({ label: 'LOGIN', cleartext: true, pop3User: false })
  if (protocol === 'pop3' && caps.plaintextLogin)
    methods.push({ label: 'USER', cleartext: false, pop3User: true })
  const prefix = protocol === 'imap' ? 'AUTH=' : protocol === 'pop3' ? 'SASL ' : 'AUTH '
  for (const mechanism of caps.authMechanisms)
    methods.push({
      label: `${prefix}${mechanism}`,
      cleartext: CLEARTEXT_MECHANISMS.has(mechanism),
      pop3User: false,
    })
  return methods
}

/** Login methods offered before TLS (empty for implicit TLS, where there is no "before"). */
export function authBeforeTls(observation: Observation): LoginMethod[] {
  if (observation.security === 'implicit-tls' || !observation.before || !observation.protocol) return []
  if (observation.greetingStatus === 'preauth') return []
  return loginMethods(observation.protocol, observation.before)
}

const MODERN: readonly TlsVersion[] = ['TLSv1.2', 'TLSv1.3']
const LEGACY: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1']

function failureFinding(observation: Observation): ProbeFinding | null {
  const failure = observation.failure
  if (!failure) return null
  // A host sweep tries every standard port: one that refuses just does not offer that service.
  if (failure.kind === 'refused' && observation.sweep) return probeFinding('port-closed', failure.message)
  if (failure.kind === 'connect-timeout')
    return probeFinding(observation.port === 25 ? 'port25-blocked' : 'connect-timeout', failure.message)
  return probeFinding(FAILURE_FINDINGS[failure.kind], failure.message)
}

function certificateFindings(observation: Observation): ProbeFinding[] {
  const tls = observation.tls
  if (!tls) return []
  const found: ProbeFinding[] = []
  const cert = tls.certificate
  if (!cert) {
    if (tls.version) found.push(probeFinding('cert-missing'))
    return found
  }
  if (cert.expired) found.push(probeFinding('cert-expired', `It ended on ${cert.notAfter.slice(0, 10)}.`))
  if (cert.notYetValid)
    found.push(probeFinding('cert-not-yet-valid', `It starts on ${cert.notBefore.slice(0, 10)}.`))
  if (cert.selfSigned && !cert.trusted)
    found.push(probeFinding('cert-self-signed', `SHA-256 fingerprint ${cert.fingerprintSha256}.`))
  else if (!cert.trusted && !cert.expired && !cert.notYetValid)
    found.push(probeFinding('cert-untrusted', cert.trustProblem ?? undefined))
  if (!cert.hostnameMatch) {
    const names = cert.subjectAltNames.length > 0 ? cert.subjectAltNames.join(', ') : cert.subject
    found.push(
      probeFinding(
        'cert-wrong-host',
        `It names ${names.slice(0, MAX_CERT_NAMES_CHARS)}, not ${observation.host}.`,
      ),
    )
  }
  if (!cert.expired && cert.daysLeft <= EXPIRY_WARNING_DAYS)
    found.push(
      probeFinding('cert-expiring-soon', `${cert.daysLeft} days left (until ${cert.notAfter.slice(0, 10)}).`),
    )
  const weakRsa =
    (cert.keyType === 'rsa' || cert.keyType === 'rsa-pss' || cert.keyType === 'dsa') &&
    (cert.keyBits ?? 0) < MIN_RSA_BITS
  const weakEc = cert.keyType === 'ec' && cert.keyBits !== null && cert.keyBits < MIN_EC_BITS
  if (weakRsa || weakEc)
    found.push(probeFinding('cert-weak-key', `${cert.keyType.toUpperCase()} ${cert.keyBits ?? '?'} bits.`))
  if (/sha1|md5/i.test(cert.signatureAlgorithm))
    found.push(probeFinding('cert-weak-signature', `Signed with ${cert.signatureAlgorithm}.`))
  return found
}

function versionFindings(observation: Observation): ProbeFinding[] {
  const tls = observation.tls
  if (!tls) return []
  const found: ProbeFinding[] = []
  const legacy = tls.versionsAccepted.filter((v) => LEGACY.includes(v))
  const modern = tls.versionsAccepted.filter((v) => MODERN.includes(v))
  if (legacy.length > 0 && modern.length === 0)
    found.push(probeFinding('tls-legacy-only', `Accepted: ${legacy.join(', ')}.`))
  else if (legacy.length > 0)
    found.push(probeFinding('tls-legacy-accepted', `Accepted: ${tls.versionsAccepted.join(', ')}.`))
  if (tls.versionsUntested.length > 0)
    found.push(
      probeFinding(
        'tls-version-untested',
        tls.versionsUntested.map((u) => `${u.version}: ${u.reason}`).join(' '),
      ),
    )
  return found
}

function loginFindings(observation: Observation): ProbeFinding[] {
  const methods = authBeforeTls(observation)
  const found: ProbeFinding[] = []
  const cleartext = methods.filter((m) => m.cleartext)
  if (cleartext.length > 0)
    found.push(
      probeFinding('password-before-tls', `Offered before TLS: ${cleartext.map((m) => m.label).join(', ')}.`),
    )
  if (methods.some((m) => m.pop3User)) found.push(probeFinding('pop3-user-before-tls'))
  const challenge = methods.filter((m) => !m.cleartext && !m.pop3User)
  if (challenge.length > 0)
    found.push(
      probeFinding(
        'auth-before-tls-challenge',
        `Offered before TLS: ${challenge.map((m) => m.label).join(', ')}.`,
      ),
    )
  return found
}

/** The rule each protocol breaks by offering STARTTLS on an encrypted session. */
const STARTTLS_AGAIN: Record<MailProtocol, string> = {
  smtp: 'The EHLO reply over TLS lists STARTTLS (RFC 3207 4.2).',
  imap: 'The CAPABILITY response over TLS lists STARTTLS (RFC 9051 6.2.1, RFC 3501 6.2.1).',
  pop3: 'The CAPA response over TLS lists STLS (RFC 2595 4).',
}

/** Capability names that are expected to change with TLS, judged by their own rules above. */
const TLS_DEPENDENT = new Set(['STARTTLS', 'STLS', 'LOGINDISABLED', 'AUTH', 'SASL', 'USER'])

/** A capability's name: an IMAP atom up to "=", a POP3 CAPA or EHLO keyword's first word. */
function capabilityName(raw: string): string {
  return (raw.trim().split(/[\s=]/, 1)[0] ?? '').toUpperCase()
}

/** What TLS changed in the capabilities, each break of a protocol rule as its own finding. */
function tlsCapabilityFindings(observation: Observation): ProbeFinding[] {
  const { protocol, before, after } = observation
  const encrypted = observation.security === 'starttls' || observation.security === 'implicit-tls'
  if (!protocol || !encrypted || !after) return []
  const viaStartTls = observation.security === 'starttls' && before?.known === true
  if (!after.known)
    return viaStartTls
      ? [
          probeFinding(
            'capabilities-refused-after-tls',
            `The server refused ${protocol === 'smtp' ? 'EHLO' : protocol === 'imap' ? 'CAPABILITY' : 'CAPA'} over TLS.`,
          ),
        ]
      : []
  const found: ProbeFinding[] = []
  if (after.startTls) found.push(probeFinding('starttls-offered-after-tls', STARTTLS_AGAIN[protocol]))
  if (protocol === 'imap' && after.loginDisabled)
    found.push(
      probeFinding(
        'imap-logindisabled-after-tls',
        `The CAPABILITY response over TLS lists LOGINDISABLED; AUTHENTICATE offers ${after.authMechanisms.join(', ') || 'nothing'}.`,
      ),
    )
  if (!viaStartTls || !before) return found
  // IMAP LOGIN lost to LOGINDISABLED has its own finding above.
  const afterLabels = new Set(loginMethods(protocol, after).map((m) => m.label))
  const lostLogins = loginMethods(protocol, before)
    .map((m) => m.label)
    .filter((label) => !afterLabels.has(label) && !(protocol === 'imap' && label === 'LOGIN'))
  if (lostLogins.length > 0)
    found.push(
      probeFinding(
        'auth-missing-after-tls',
        `Before TLS: ${lostLogins.join(', ')}; over TLS: ${[...afterLabels].join(', ') || 'none'}.`,
      ),
    )
  const afterNames = new Set(after.raw.map(capabilityName))
  const lost = [
    ...new Set(
      before.raw.map(capabilityName).filter((n) => n && !TLS_DEPENDENT.has(n) && !afterNames.has(n)),
    ),
  ]
  if (lost.length > 0)
    found.push(
      probeFinding(
        'capabilities-lost-after-tls',
        `Gone over TLS: ${lost.slice(0, MAX_LOST_CAPABILITIES_LISTED).join(', ')}.`,
      ),
    )
  return found
}

function clientFindings(observation: Observation): ProbeFinding[] {
  const setting = observation.clientSetting
  if (!setting) return []
  const found: ProbeFinding[] = []
  const said = `The client is set to "${setting.label}".`
  if (setting.acceptsAnyCertificate) found.push(probeFinding('client-setting-any-certificate', said))
  if (setting.downgradable) found.push(probeFinding('client-setting-downgradable', said))
  const serverTls = observation.security === 'implicit-tls' || observation.security === 'starttls'
  const mode =
    setting.mode === 'by-port'
      ? IMPLICIT_TLS_PORTS.has(observation.port)
        ? 'implicit-tls'
        : 'starttls'
      : setting.mode
  if (mode === 'plaintext' && serverTls) found.push(probeFinding('client-setting-plaintext', said))
  else if (
    (mode === 'implicit-tls' && observation.security === 'starttls') ||
    (mode === 'starttls' && observation.security === 'implicit-tls')
  )
    found.push(
      probeFinding(
        'client-setting-mismatch',
        `${said} The port speaks ${observation.security === 'starttls' ? 'STARTTLS' : 'implicit TLS'}.`,
      ),
    )
  return found
}

/** Every finding for one endpoint, most severe first. */
export function findingsFor(
  observation: Observation,
  /** What discovery holds against the endpoint's source (a plain-HTTP autoconfig file). */
  fromDiscovery: readonly ProbeFinding[] = [],
): ProbeFinding[] {
  const found: ProbeFinding[] = [...fromDiscovery]
  const failure = failureFinding(observation)
  if (failure) found.push(failure)
  if (observation.greetingStatus === 'preauth') found.push(probeFinding('imap-preauth'))
  if (observation.protocol && observation.protocol !== observation.expectedProtocol)
    found.push(
      probeFinding(
        'protocol-mismatch',
        `Expected ${observation.expectedProtocol.toUpperCase()}, the greeting is ${observation.protocol.toUpperCase()}.`,
      ),
    )
  const plaintextBecause =
    observation.failure?.kind === 'starttls-refused' || observation.greetingStatus === 'preauth'
  if (observation.security === 'plaintext' && !plaintextBecause) found.push(probeFinding('plaintext-only'))
  if (observation.greetingMentionsStartTls && observation.before && !observation.before.startTls)
    found.push(probeFinding('starttls-only-in-text'))
  found.push(...loginFindings(observation))
  if (observation.security === 'starttls' && observation.expectedImplicit)
    found.push(probeFinding('plaintext-on-tls-port'))
  if (observation.security === 'implicit-tls' && !observation.expectedImplicit)
    found.push(probeFinding('implicit-tls-nonstandard'))
  found.push(
    ...tlsCapabilityFindings(observation),
    ...certificateFindings(observation),
    ...versionFindings(observation),
    ...clientFindings(observation),
  )
  // RFC 8314: a working STARTTLS submission or mailbox port still gets the nudge; port 25 (MX
  // relay) has no implicit-TLS alternative.
  if (observation.security === 'starttls' && !observation.failure && observation.port !== 25)
    found.push(probeFinding('implicit-tls-preferred'))
  const rank = { bad: 0, warn: 1, info: 2 } as const
  return found.sort((a, b) => rank[a.severity] - rank[b.severity])
}

/** The worst finding decides; an endpoint that could not be checked is at least `warn`, unless it
 * is a closed port of a host sweep (checked: nothing is offered there). */
export function verdictOf(findings: readonly ProbeFinding[], security: Observation['security']): Verdict {
  if (findings.some((f) => f.severity === 'bad') || security === 'plaintext') return 'bad'
  const closed = findings.some((f) => f.id === 'port-closed')
  if (findings.some((f) => f.severity === 'warn') || (security === 'unreachable' && !closed)) return 'warn'
  return 'good'
}

/** The worst of several verdicts (good for none). */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('bad')) return 'bad'
  if (verdicts.includes('warn')) return 'warn'
  return 'good'
}
