// Inline checks that mirror the engine's schema, so a mistake is shown before a round trip;
// the engine still validates everything and its sentence is shown if it disagrees.
import {
  CONNECT_TIMEOUT_SECONDS,
  type DnsServerProblem,
  dnsServerProblem,
} from '../../../shared/contract/index.js'

const DNS_EXAMPLE = 'such as 9.9.9.9, 127.0.0.53:53 or [::1]:53'

const DNS_MESSAGES: Record<DnsServerProblem, string> = {
  format: `Enter an IP address with an optional port, ${DNS_EXAMPLE}. Host names are not accepted here.`,
  octet: `Each part of an IPv4 address is a number from 0 to 255, ${DNS_EXAMPLE}.`,
  port: 'A port is a number from 1 to 65535.',
}

/** Empty means the system's resolver; otherwise the engine's own rule, in the UI's words. */
export function checkDnsServer(text: string): string | null {
  const value = text.trim()
  if (value === '') return null
  const problem = dnsServerProblem(value)
  return problem === null ? null : DNS_MESSAGES[problem]
}

export const TIMEOUT_MIN = CONNECT_TIMEOUT_SECONDS.min
export const TIMEOUT_MAX = CONNECT_TIMEOUT_SECONDS.max

export function checkTimeout(text: string): string | null {
  const value = Number(text.trim())
  if (text.trim() === '' || !Number.isInteger(value) || value < TIMEOUT_MIN || value > TIMEOUT_MAX) {
    return `Enter a whole number of seconds from ${TIMEOUT_MIN} to ${TIMEOUT_MAX}.`
  }
  return null
}
