// The SPF record grammar (RFC 7208 4.5, 5, 6, 12): "v=spf1" then terms separated by spaces; a
// term is a mechanism with an optional qualifier (+ - ~ ?) or a modifier name=value. Parsing is
// strict where receivers are (an unknown mechanism, a bad address or prefix length, a second
// redirect= is a permanent error) and lets unknown modifiers pass, as RFC 7208 6 requires.
import { isIPv4, isIPv6 } from 'node:net'
import { SPF_MAX_RECORD_CHARS, SPF_MAX_TERMS } from './limits.js'
import { parseMacroString } from './spf-macros.js'

export type SpfQualifier = '+' | '-' | '~' | '?'
export type SpfMechanismName = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists'

export type SpfTerm =
  | {
      kind: 'mechanism'
      qualifier: SpfQualifier
      name: SpfMechanismName
      domain: string | null
      text: string
    }
  | { kind: 'modifier'; name: string; value: string; text: string }

export type SpfParse = { ok: true; terms: SpfTerm[] } | { ok: false; reason: string }

/** Whether a TXT record is an SPF record at all (RFC 7208 4.5: "v=spf1" then a space or the end). */
export function isSpfRecord(text: string): boolean {
  return /^v=spf1(?: |$)/i.test(text)
}

const MECHANISMS = new Set<string>(['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'])
/** RFC 7208 7.1 macro-string, loosely: letters, digits and the punctuation a domain-spec may hold. */
const DOMAIN_SPEC = /^(?:[!-$&-~]|%\{[slodipvhcrtSLODIPVHCRT]\d*r?[-.+,/_=]*\}|%%|%_|%-)+$/
const CIDR4 = /^(?:\/(\d{1,2}))?(?:\/\/(\d{1,3}))?$/

function checkCidr(text: string, v4Max: number, v6Max: number): boolean {
  const m = CIDR4.exec(text)
  if (!m) return false
  return (m[1] === undefined || Number(m[1]) <= v4Max) && (m[2] === undefined || Number(m[2]) <= v6Max)
}

/** A domain-spec ends in a real domain (RFC 7208 7.1 toplabel) unless it ends in a macro. */
function domainProblem(spec: string): string | null {
  if (spec.includes('%')) {
    const macros = parseMacroString(spec, 'domain')
    if (!macros.ok) return `"${spec}": ${macros.reason}`
  }
  if (!DOMAIN_SPEC.test(spec)) return `"${spec}" is not a domain`
  if (/%\{[^}]*\}$/.test(spec)) return null
  const labels = spec.replace(/\.$/, '').split('.')
  const top = labels[labels.length - 1] ?? ''
  if (
    labels.length < 2 ||
    !/^(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/.test(top)
  )
    return `"${spec}" is not a fully qualified domain`
  return null
}

function parseMechanism(term: string): SpfTerm | string {
  let qualifier: SpfQualifier = '+'
  let body = term
  if ('+-~?'.includes(term[0] as string)) {
    qualifier = term[0] as SpfQualifier
    body = term.slice(1)
  }
  const m = /^([A-Za-z][A-Za-z0-9_.-]*)(?::(.*))?$|^([A-Za-z]+)(\/.*)$/.exec(body)
  const rawName = (m?.[1] ?? m?.[3] ?? '').toLowerCase()
  if (!m || !MECHANISMS.has(rawName)) return `"${term}" is not a mechanism RFC 7208 knows`
  const name = rawName as SpfMechanismName
  let arg = m[2] ?? null
  let cidr = m[4] ?? ''
  if ((name === 'a' || name === 'mx') && arg !== null) {
    const slash = arg.indexOf('/')
    if (slash >= 0) {
      cidr = arg.slice(slash)
      arg = arg.slice(0, slash)
    }
  }
  const problem = (reason: string) => `"${term}": ${reason}`
  switch (name) {
    case 'all':
      if (arg !== null || cidr) return problem('all takes no argument')
      return { kind: 'mechanism', qualifier, name, domain: null, text: term }
    case 'include':
    case 'exists':
      if (!arg || cidr) return problem(`${name} needs a domain ("${name}:example.com")`)
      break
    case 'ptr':
      if (cidr) return problem('ptr takes no prefix length')
      break
    case 'a':
    case 'mx':
      if (!checkCidr(cidr, 32, 128)) return problem('the prefix length is not /0 to /32 (and //0 to //128)')
      break
    case 'ip4':
    case 'ip6': {
      const [address, length, extra] = (arg ?? '').split('/')
      const max = name === 'ip4' ? 32 : 128
      const valid = name === 'ip4' ? isIPv4(address ?? '') : isIPv6(address ?? '')
      if (!valid || extra !== undefined)
        return problem(`"${arg ?? ''}" is not an ${name === 'ip4' ? 'IPv4' : 'IPv6'} address or network`)
      if (length !== undefined && (!/^\d{1,3}$/.test(length) || Number(length) > max))
        return problem(`the prefix length /${length} is not 0 to ${max}`)
      return { kind: 'mechanism', qualifier, name, domain: null, text: term }
    }
  }
  if (arg !== null) {
    if (arg === '') return problem(`${name}: has an empty domain`)
    const bad = domainProblem(arg)
    if (bad) return problem(bad)
  }
  return { kind: 'mechanism', qualifier, name, domain: arg, text: term }
}

export function parseSpfRecord(record: string): SpfParse {
  if (record.length > SPF_MAX_RECORD_CHARS)
    return { ok: false, reason: `the record is longer than ${SPF_MAX_RECORD_CHARS} characters` }
  if (!isSpfRecord(record)) return { ok: false, reason: 'it does not start with "v=spf1"' }
  const words = record
    .slice(6)
    .split(' ')
    .filter((w) => w !== '')
  if (words.length > SPF_MAX_TERMS) return { ok: false, reason: `it has more than ${SPF_MAX_TERMS} terms` }
  const terms: SpfTerm[] = []
  const modifiers = new Set<string>()
  for (const word of words) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a control byte in a record is the error
    if (/[\x00-\x1f\x7f-\uffff]/.test(word))
      return { ok: false, reason: `"${word}" holds a character SPF does not allow` }
    const modifier = /^([A-Za-z][A-Za-z0-9_.-]*)=(.*)$/.exec(word)
    if (modifier) {
      const name = (modifier[1] as string).toLowerCase()
      const value = modifier[2] as string
      if ((name === 'redirect' || name === 'exp') && modifiers.has(name))
        return { ok: false, reason: `${name}= appears twice (RFC 7208 6)` }
      if (name === 'redirect' || name === 'exp') {
        const bad = domainProblem(value)
        if (bad) return { ok: false, reason: `${name}=: ${bad}` }
      } else if (!DOMAIN_SPEC.test(value) && value !== '')
        return { ok: false, reason: `"${word}" is not a valid modifier` }
      modifiers.add(name)
      terms.push({ kind: 'modifier', name, value, text: word })
      continue
    }
    const parsed = parseMechanism(word)
    if (typeof parsed === 'string') return { ok: false, reason: parsed }
    terms.push(parsed)
  }
  return { ok: true, terms }
}

/** Whether a domain-spec has macros (RFC 7208 7.1: %{…}, %%, %_, %-), so it must be expanded. */
export function hasMacro(spec: string): boolean {
  return spec.includes('%')
}
