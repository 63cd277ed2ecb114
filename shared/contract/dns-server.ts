// What a DNS server address may look like, without zod: the CLI's dkim and probe commands check
// it before anything else loads (the contract's schemas pull in zod, which `dkim verify` over an
// archive does not otherwise need), and schemas.ts builds the settings field from it.

// host:port where host is an IPv4 address, or [IPv6]:port; the port may be omitted (53).
const DNS_SERVER = /^(?:(\d{1,3}(?:\.\d{1,3}){3})|\[[0-9a-fA-F:.]+\])(?::(\d{1,5}))?$/

export type DnsServerProblem = 'format' | 'octet' | 'port'

/** What is wrong with `text` as a DNS server address, or null; each front end words it. */
export function dnsServerProblem(text: string): DnsServerProblem | null {
  const match = DNS_SERVER.exec(text)
  if (!match) return 'format'
  if (match[1]?.split('.').some((octet) => Number(octet) > 255)) return 'octet'
  if (match[2] !== undefined && (Number(match[2]) < 1 || Number(match[2]) > 65535)) return 'port'
  return null
}
