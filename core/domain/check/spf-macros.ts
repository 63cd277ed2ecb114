// SPF macros (RFC 7208 7): a domain-spec such as "%{ir}.%{v}._spf.%{d2}" names a different domain for
// each message, filled from the sender, its address and the domain being evaluated. Pure: the caller
// gives the values (`domain check` has no real sender, so it gives an example one, EXAMPLE_SENDER).
import { isIPv4, isIPv6 } from 'node:net'

/** What the macro letters stand for (RFC 7208 7.3); `p` is never looked up here (RFC: avoid it). */
export interface MacroContext {
  /** <sender>: the MAIL FROM address (or postmaster@ the HELO name). */
  sender: string
  /** <ip>: the connecting server's address. */
  ip: string
  /** <domain>: the domain whose record is being evaluated (changes through include and redirect). */
  domain: string
  /** The HELO/EHLO name the server gave. */
  helo: string
  /** The validated name of <ip> (%{p}); "unknown" when not validated, as RFC 7208 7.3 allows. */
  validatedName?: string
  /** %{r}: the receiving host's name (exp= only). */
  receiver?: string
  /** %{t}: seconds since the epoch (exp= only). */
  now?: number
}

/** The example sender `domain check` evaluates sender-dependent macros for (TEST-NET-1, RFC 5737). */
export const EXAMPLE_SENDER_IP = '192.0.2.1'
export const exampleSender = (domain: string) => `postmaster@${domain}`

/** A domain-spec allows these letters; c, r and t are for exp= text only (RFC 7208 7.2). */
const DOMAIN_LETTERS = 'slodiphv'
const ALL_LETTERS = 'slodiphvcrt'
/** Parts kept by a DIGIT transformer: RFC 7208 7.3 asks for at least 128; more is hostile. */
const MAX_DIGIT = 128
const MAX_DOMAIN_CHARS = 253

type Piece =
  | { kind: 'literal'; text: string }
  | {
      kind: 'macro'
      letter: string
      upper: boolean
      digits: number | null
      reverse: boolean
      delimiters: string
    }

export type MacroParse = { ok: true; pieces: Piece[] } | { ok: false; reason: string }

/** Splits a macro-string into literals and macros (RFC 7208 7.1), or says what is malformed. */
export function parseMacroString(spec: string, where: 'domain' | 'exp' = 'domain'): MacroParse {
  const pieces: Piece[] = []
  const letters = where === 'domain' ? DOMAIN_LETTERS : ALL_LETTERS
  let literal = ''
  let at = 0
  while (at < spec.length) {
    const ch = spec[at] as string
    if (ch !== '%') {
      literal += ch
      at++
      continue
    }
    const next = spec[at + 1]
    if (next === '%' || next === '_' || next === '-') {
      literal += next === '%' ? '%' : next === '_' ? ' ' : '%20'
      at += 2
      continue
    }
    if (next !== '{')
      return { ok: false, reason: `"%${next ?? ''}" is not a macro (RFC 7208 7.1: %{…}, %%, %_ or %-)` }
    const close = spec.indexOf('}', at)
    const body = close < 0 ? null : spec.slice(at + 2, close)
    const m = body === null ? null : /^([A-Za-z])(\d*)(r?)([-.+,/_=]*)$/i.exec(body)
    if (!m)
      return { ok: false, reason: `"${spec.slice(at, close < 0 ? undefined : close + 1)}" is not a macro` }
    const letter = (m[1] as string).toLowerCase()
    if (!letters.includes(letter))
      return {
        ok: false,
        reason: ALL_LETTERS.includes(letter)
          ? `%{${m[1]}} is allowed only in exp= text (RFC 7208 7.2)`
          : `%{${m[1]}}: "${m[1]}" is not a macro letter`,
      }
    const digits = m[2] ? Number(m[2]) : null
    if (digits !== null && (digits === 0 || digits > MAX_DIGIT))
      return { ok: false, reason: `%{${body}}: the number of parts must be 1 to ${MAX_DIGIT}` }
    if (literal) pieces.push({ kind: 'literal', text: literal })
    literal = ''
    pieces.push({
      kind: 'macro',
      letter,
      upper: m[1] !== letter,
      digits,
      reverse: (m[3] as string).toLowerCase() === 'r',
      delimiters: m[4] || '.',
    })
    at = (close as number) + 1
  }
  if (literal) pieces.push({ kind: 'literal', text: literal })
  return { ok: true, pieces }
}

/** Whether a macro-string uses any of the letters (e.g. "ilsp..." for "depends on the sender"). */
export function macroLetters(spec: string): Set<string> {
  const parsed = parseMacroString(spec, 'exp')
  const letters = new Set<string>()
  if (parsed.ok) for (const p of parsed.pieces) if (p.kind === 'macro') letters.add(p.letter)
  return letters
}

/** %{i}: IPv4 as is, IPv6 as 32 dot-separated nibbles (RFC 7208 7.3). */
function dottedIp(ip: string): string {
  if (isIPv4(ip)) return ip
  if (!isIPv6(ip)) return ip
  return expandIpv6(ip).replace(/:/g, '').split('').join('.')
}

function expandIpv6(ip: string): string {
  let text = ip
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4) {
    const [a, b, c, d] = (v4[1] as string).split('.').map(Number) as [number, number, number, number]
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.split('::') as [string, string | undefined]
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0')
  return [...left, ...zeros, ...right].map((g) => g.padStart(4, '0').toLowerCase()).join(':')
}

function letterValue(letter: string, context: MacroContext): string {
  const at = context.sender.lastIndexOf('@')
  switch (letter) {
    case 's':
      return context.sender
    case 'l':
      return (at < 0 ? '' : context.sender.slice(0, at)) || 'postmaster'
    case 'o':
      return at < 0 ? context.sender : context.sender.slice(at + 1)
    case 'd':
      return context.domain
    case 'i':
      return dottedIp(context.ip)
    case 'p':
      return context.validatedName ?? 'unknown'
    case 'v':
      return isIPv6(context.ip) ? 'ip6' : 'in-addr'
    case 'h':
      return context.helo
    case 'c':
      return isIPv6(context.ip) ? expandIpv6(context.ip).replace(/(^|:)0{1,3}/g, '$1') : context.ip
    case 'r':
      return context.receiver ?? 'unknown'
    default: // 't'
      return String(Math.floor((context.now ?? Date.now()) / 1000))
  }
}

/** RFC 3986 unreserved characters stay; everything else is %XX (an uppercase macro letter, 7.3). */
function urlEscape(text: string): string {
  return Array.from(new TextEncoder().encode(text), (byte) => {
    const ch = String.fromCharCode(byte)
    return /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }).join('')
}

function expandMacro(piece: Piece & { kind: 'macro' }, context: MacroContext): string {
  const value = letterValue(piece.letter, context)
  let parts = value.split(new RegExp(`[${piece.delimiters.replace(/[-/]/g, '\\$&')}]`))
  if (piece.reverse) parts = parts.reverse()
  if (piece.digits !== null) parts = parts.slice(-piece.digits)
  const joined = parts.join('.')
  return piece.upper ? urlEscape(joined) : joined
}

/** RFC 7208 7.3: a name over 253 characters loses labels on the left until it fits. */
function truncateLeft(name: string): string {
  let out = name
  while (out.length > MAX_DOMAIN_CHARS && out.includes('.')) out = out.slice(out.indexOf('.') + 1)
  return out
}

export type MacroExpansion = { ok: true; value: string } | { ok: false; reason: string }

/** The domain (or exp text) a macro-string stands for in this context. */
export function expandMacros(
  spec: string,
  context: MacroContext,
  where: 'domain' | 'exp' = 'domain',
): MacroExpansion {
  const parsed = parseMacroString(spec, where)
  if (!parsed.ok) return parsed
  const value = parsed.pieces.map((p) => (p.kind === 'literal' ? p.text : expandMacro(p, context))).join('')
  return { ok: true, value: where === 'domain' ? truncateLeft(value) : value }
}
