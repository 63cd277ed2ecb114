// The SASL messages of the sign-in gate, as pure functions: the client's PLAIN (RFC 4616) and the
// LOGIN steps it answers, and the upstream's XOAUTH2 (Google's and Microsoft's documented form)
// and OAUTHBEARER (RFC 7628) with an access token. Tokens pass through here and nowhere else is
// one written down: callers send the result and forget it.
import type { TunnelOAuthMechanism } from '../../../shared/contract/tunnel-config.js'

export type UpstreamMechanism = 'XOAUTH2' | 'OAUTHBEARER'

const CTRL_A = '\x01'

/** XOAUTH2's initial response: `user=ADDR^Aauth=Bearer TOKEN^A^A`, base64. */
export function xoauth2Response(address: string, token: string): string {
  return Buffer.from(`user=${address}${CTRL_A}auth=Bearer ${token}${CTRL_A}${CTRL_A}`, 'utf8').toString(
    'base64',
  )
}

/** An RFC 5801 saslname: "=" and "," escaped as =3D and =2C. */
function saslName(value: string): string {
  return value.replace(/=/g, '=3D').replace(/,/g, '=2C')
}

/** OAUTHBEARER's initial response (RFC 7628 §3.1): the GS2 header with the address as authzid,
 * then host, port and the bearer token as key/value pairs, base64. */
export function oauthBearerResponse(address: string, host: string, port: number, token: string): string {
  const message = `n,a=${saslName(address)},${CTRL_A}host=${host}${CTRL_A}port=${port}${CTRL_A}auth=Bearer ${token}${CTRL_A}${CTRL_A}`
  return Buffer.from(message, 'utf8').toString('base64')
}

/** What the client answers a failure challenge with: XOAUTH2 an empty line (Google's and
 * Microsoft's documentation), OAUTHBEARER the dummy %x01 (RFC 7628 §3.2.3). */
export function failureAcknowledgement(mechanism: UpstreamMechanism): string {
  return mechanism === 'OAUTHBEARER' ? Buffer.from(CTRL_A).toString('base64') : ''
}

/** A server challenge's base64 payload as text (the JSON of a refused token); '' when not base64. */
export function decodeChallenge(payload: string): string {
  const trimmed = payload.trim()
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed)) return ''
  return Buffer.from(trimmed, 'base64')
    .toString('utf8')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim()
}

/**
 * The mechanism for the upstream login. auto: OAUTHBEARER when the server offers it (the IETF
 * standard, and its failure answer is defined), else XOAUTH2 (what Microsoft, Google and Yahoo
 * accept, and what Microsoft alone offers), also when the server lists neither (some list only
 * after TLS or not at all; a wrong guess is answered by the server, not hidden).
 */
export function chooseMechanism(
  configured: TunnelOAuthMechanism,
  offered: readonly string[],
): UpstreamMechanism {
  if (configured === 'xoauth2') return 'XOAUTH2'
  if (configured === 'oauthbearer') return 'OAUTHBEARER'
  const upper = new Set(offered.map((m) => m.toUpperCase()))
  if (upper.has('OAUTHBEARER')) return 'OAUTHBEARER'
  return 'XOAUTH2'
}

export interface PlainCredentials {
  /** The authorization identity ('' when none was given). */
  authzid: string
  user: string
  password: string
}

/** A client's PLAIN response (RFC 4616: authzid NUL authcid NUL passwd), base64; null when malformed. */
export function decodePlain(base64: string): PlainCredentials | null {
  const trimmed = base64.trim()
  if (trimmed.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return null
  const parts = Buffer.from(trimmed, 'base64').toString('utf8').split('\0')
  if (parts.length !== 3) return null
  const [authzid = '', user = '', password = ''] = parts
  if (user.length === 0) return null
  return { authzid, user, password }
}

/** One base64 line of SASL LOGIN (a user name or a password); null when not base64. */
export function decodeBase64Line(line: string): string | null {
  const trimmed = line.trim()
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed)) return null
  return Buffer.from(trimmed, 'base64').toString('utf8')
}
