// What a DNS server address may look like, without zod: the CLI's dkim and probe commands check
// it before anything else loads (the contract's schemas pull in zod, which `dkim verify` over an
// archive does not otherwise need), and schemas.ts builds the settings field from it.

// host:port where host is an IPv4 address, or [IPv6]:port; the port may be omitted (53).
const DNS_SERVER = /^(?:(\d{1,3}(?:\.\d{1,3}){3})|\[[0-9a-fA-F:.]+\])(?::(\d{1,5}))?$/

export type DnsServerProblem = 'format' | 'octet' | 'port'

/** An IPv6 address as RFC 4291 2.2 writes it: eight groups, one "::" at most, an IPv4 tail. */
function isIpv6(text: string): boolean {
  const halves = text.split('::')
  if (halves.length > 2) return false
  const groups = (half: string) => (half === '' ? [] : half.split(':'))
  const all = halves.flatMap(groups)
  const last = all.at(-1)
  const v4 = last?.includes('.') ? last : null
  if (v4 && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(v4)) return false
  if (v4?.split('.').some((octet) => Number(octet) > 255)) return false
  const hex = v4 ? all.slice(0, -1) : all
  if (!hex.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false
  const count = hex.length + (v4 ? 2 : 0)
  return halves.length === 2 ? count < 8 : count === 8
}

/** What is wrong with `text` as a DNS server address, or null; each front end words it. */
export function dnsServerProblem(text: string): DnsServerProblem | null {
  const match = DNS_SERVER.exec(text)
  if (!match) return 'format'
  // "[:::]" or "[1.2.3.4]" fit the pattern but are no IPv6 address (the resolver would throw).
  if (match[1] === undefined && !isIpv6(text.slice(1, text.indexOf(']')))) return 'format'
  if (match[1]?.split('.').some((octet) => Number(octet) > 255)) return 'octet'
  if (match[2] !== undefined && (Number(match[2]) < 1 || Number(match[2]) > 65535)) return 'port'
  return null
}
